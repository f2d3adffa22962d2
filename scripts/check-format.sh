#!/bin/sh
# check-format.sh -- fails if any tracked C file differs from clang-format's
# output (.clang-format at the top of the tree), listing the files.
set -eu
cd "$(dirname "$0")/.."
bad=""
for f in $(git ls-files '*.c' '*.h'); do
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		bad="$bad $f"
	fi
done
if [ -n "$bad" ]; then
	echo "clang-format: these files need 'make format':"
	for f in $bad; do echo "  $f"; done
	exit 1
fi
echo "clang-format: all $(git ls-files '*.c' '*.h' | wc -l) files clean"
