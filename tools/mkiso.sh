#!/bin/sh
# mkiso.sh OUT.iso KERNEL.elf GRUB.cfg: a GRUB rescue image that boots the
# kernel with Multiboot, from BIOS (GRUB's i386-pc) and from UEFI
# (x86_64-efi), on a CD or written to a USB stick.
set -eu
out=$1 kernel=$2 cfg=$3
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/boot/grub"
cp "$kernel" "$tree/boot/sluice.elf"
cp "$cfg" "$tree/boot/grub/grub.cfg"
# Only the modules booting sluice needs (and their dependencies), with no
# fonts, locales or themes: a few MB made in 0.2 s, instead of every module
# GRUB has. grub-mkrescue copies the list for every platform it finds
# installed, so each module must exist on all of them (biosdisk, say, is
# BIOS-only: with it, a machine that has GRUB's UEFI modules, as every UEFI
# Debian or Ubuntu does, could not make the image). The BIOS boot core
# reads the CD by itself; all_video lets GRUB on UEFI hand over a
# framebuffer; the partition maps let GRUB find itself on a USB stick, and
# its UEFI half loads every one of them at start (it prints an error for
# each one missing, on screen and COM1).
modules="multiboot normal iso9660 all_video part_acorn part_amiga part_apple part_bsd
    part_dfly part_dvh part_gpt part_msdos part_plan part_sun part_sunpc"
if ! log=$(grub-mkrescue --install-modules="$(echo $modules)" --locales= --fonts= --themes= \
        -o "$out" "$tree" 2>&1); then
    echo "$log" >&2
    exit 1
fi
