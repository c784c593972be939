#!/bin/sh
# mkiso.sh OUT.iso KERNEL.elf GRUB.cfg: a BIOS GRUB rescue image that boots
# the kernel with Multiboot.
set -eu
out=$1 kernel=$2 cfg=$3
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/boot/grub"
cp "$kernel" "$tree/boot/sluice.elf"
cp "$cfg" "$tree/boot/grub/grub.cfg"
if ! log=$(grub-mkrescue -o "$out" "$tree" 2>&1); then
    echo "$log" >&2
    exit 1
fi
