# Kestrel: the common targets. Each configuration builds in its own
# directory under build/ (see CMakeLists.txt).
#
#   make run     build and start the hosted demo device (ARGS="..." passes options)
#   make test    build everything and run every test (what CI runs)
#   make qemu    build the Cortex-M3 firmware and boot it in QEMU (shell on stdio)
#   make size    code size of the kernel and the QEMU firmware
#   make bench   benchmarks; results go to docs/benchmarks.md
#   make format  reformat the C sources with clang-format
#   make clean   remove build/

BUILD   ?= build
HOSTED  := $(BUILD)/hosted
QEMU_B  := $(BUILD)/qemu-mps2-an385
ARGS    ?=
CMAKE_G := -G Ninja

.PHONY: all hosted run test qemu qemu-build size bench format check-format clean help

all: hosted

help:
	@sed -n '4,11p' Makefile | sed 's/^# \{0,1\}//'

hosted:
	@scripts/deps.sh build
	@cmake -S . -B $(HOSTED) $(CMAKE_G) -DKESTREL_BOARD=hosted >/dev/null
	@ninja -C $(HOSTED) kestrel

run: hosted
	$(HOSTED)/kestrel $(ARGS)

test:
	@scripts/test.sh

qemu-build:
	@scripts/deps.sh qemu
	@cmake -S . -B $(QEMU_B) $(CMAKE_G) -DKESTREL_BOARD=qemu-mps2-an385 \
		-DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/cmake/toolchain-arm-none-eabi.cmake >/dev/null
	@ninja -C $(QEMU_B)

qemu: qemu-build
	@echo "QEMU mps2-an385: the shell is on this terminal; 'poweroff' or Ctrl-A x quits."
	@echo "Network: -nic user (DHCP 10.0.2.15); host 127.0.0.1:8080 -> :80, :2323 -> :23, :7007 -> :7"
	qemu-system-arm -M mps2-an385 -m 16M -nographic -monitor none \
		-semihosting-config enable=on,target=native \
		-nic user,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=tcp:127.0.0.1:2323-:23,hostfwd=tcp:127.0.0.1:7007-:7 \
		-kernel $(QEMU_B)/boards/qemu-mps2-an385/kestrel.elf $(ARGS)

size: qemu-build
	@scripts/size-report.sh $(QEMU_B)

bench: hosted qemu-build
	@scripts/bench.sh

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

check-format:
	@scripts/check-format.sh

clean:
	rm -rf $(BUILD)
