# CMake toolchain file for bare-metal Cortex-M3 builds with the GNU Arm
# Embedded toolchain (arm-none-eabi-gcc) and newlib-nano.
#
#   cmake -S . -B build/cm-qemu -G Ninja \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm-none-eabi.cmake \
#         -DKESTREL_BOARD=qemu-mps2-an385
#
# KESTREL_CPU_FLAGS may be overridden (e.g. "-mcpu=cortex-m4 -mthumb") by a
# board that needs another core; the port itself targets ARMv7-M without FPU.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_RANLIB arm-none-eabi-ranlib)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "objcopy for firmware images")
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "size for firmware reports")

# Compiler checks link a test program; without a linker script that cannot
# work on bare metal, so CMake only builds a static library for them.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(KESTREL_CPU_FLAGS "-mcpu=cortex-m3 -mthumb" CACHE STRING "CPU selection flags")

set(CMAKE_C_FLAGS_INIT
	"${KESTREL_CPU_FLAGS} -Os -g -ffunction-sections -fdata-sections -ffreestanding")
set(CMAKE_ASM_FLAGS_INIT "${KESTREL_CPU_FLAGS} -g")
# nano.specs: newlib-nano (small string functions); nosys.specs: stub
# syscalls. -nostartfiles because arch/cortex-m provides Reset_Handler.
# newlib objects carry no .note.GNU-stack; the stack notion does not apply.
set(CMAKE_EXE_LINKER_FLAGS_INIT
	"${KESTREL_CPU_FLAGS} --specs=nano.specs --specs=nosys.specs -nostartfiles -Wl,--gc-sections -Wl,--no-warn-execstack")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
