/* Multiboot 1 structures, as the loader (QEMU -kernel, GRUB) hands them over.
 * See the Multiboot Specification 0.6.96, section 3.3. */
#ifndef BOOT_MULTIBOOT_H
#define BOOT_MULTIBOOT_H

#include <stdbool.h>
#include <stdint.h>

/* EAX holds this when a Multiboot loader jumps to the kernel. */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

#define MULTIBOOT_INFO_MEMORY      (1u << 0)  /* mem_lower, mem_upper valid */
#define MULTIBOOT_INFO_CMDLINE     (1u << 2)  /* cmdline valid */
#define MULTIBOOT_INFO_MODS        (1u << 3)  /* mods_count, mods_addr valid */
#define MULTIBOOT_INFO_ELF_SHDR    (1u << 5)  /* elf_sections valid */
#define MULTIBOOT_INFO_MMAP        (1u << 6)  /* mmap_length, mmap_addr valid */
#define MULTIBOOT_INFO_DRIVES      (1u << 7)  /* drives_length, drives_addr valid */
#define MULTIBOOT_INFO_LOADER_NAME (1u << 9)  /* boot_loader_name valid */
#define MULTIBOOT_INFO_APM         (1u << 10) /* apm_table valid */
#define MULTIBOOT_INFO_VBE         (1u << 11) /* vbe_control_info, vbe_mode_info valid */
#define MULTIBOOT_INFO_FRAMEBUFFER (1u << 12) /* the framebuffer fields valid */

/* framebuffer_type: a palette mode, direct colour, or VGA text (whose
 * "framebuffer" is the cells at 0xB8000, width and height in characters). */
#define MULTIBOOT_FRAMEBUFFER_INDEXED  0
#define MULTIBOOT_FRAMEBUFFER_RGB      1
#define MULTIBOOT_FRAMEBUFFER_EGA_TEXT 2

/* The whole info structure, framebuffer fields included, as GRUB lays it
 * out (see the colour fields below). */
#define MULTIBOOT_INFO_SIZE        120
#define MULTIBOOT_APM_SIZE         20
#define MULTIBOOT_VBE_CONTROL_SIZE 512
#define MULTIBOOT_VBE_MODE_SIZE    256

#define MULTIBOOT_MEMORY_AVAILABLE 1

/* Where the loader put the image's ELF section headers: num headers of
 * size bytes each from addr; shndx is the section-name table's index. */
struct multiboot_elf_shdr_table {
    uint32_t num, size, addr, shndx;
} __attribute__((packed));

/* The start of an ELF32 section header (System V ABI, 4-1): where the
 * loader placed the section (0 if nowhere) and its size in bytes. */
struct elf32_section_header {
    uint32_t name, type, flags, addr, offset, size;
} __attribute__((packed));

/* The start of an ELF64 section header: the same fields, wider. */
struct elf64_section_header {
    uint32_t name, type;
    uint64_t flags, addr, offset, size, link_info, align, entsize;
} __attribute__((packed));

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower; /* KiB below 1 MiB */
    uint32_t mem_upper; /* KiB from 1 MiB to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count;
    uint32_t mods_addr;
    struct multiboot_elf_shdr_table elf_sections; /* MULTIBOOT_INFO_ELF_SHDR */
    uint32_t mmap_length;
    uint32_t mmap_addr;
    uint32_t drives_length;
    uint32_t drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
    uint32_t apm_table;
    uint32_t vbe_control_info;
    uint32_t vbe_mode_info;
    uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
    uint64_t framebuffer_addr; /* MULTIBOOT_INFO_FRAMEBUFFER */
    uint32_t framebuffer_pitch, framebuffer_width, framebuffer_height;
    uint8_t framebuffer_bpp, framebuffer_type;
    /* The spec's table puts the colour fields at offset 110; GRUB, the
     * reference loader, compiles the spec's own multiboot.h, whose union
     * (with a 32-bit palette address) is aligned to 4: they are at 112,
     * and the structure is 120 bytes (seen from GRUB 2.06 on UEFI: at 110
     * a 32-bit GOP mode reads as red 0:0, green 16:8, blue 8:8). */
    uint16_t color_info_align;
    /* For MULTIBOOT_FRAMEBUFFER_RGB (an indexed mode has its palette's
     * address and size here): each colour's field, position then size. */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
    uint16_t tail_align;
} __attribute__((packed));

_Static_assert(sizeof(struct multiboot_info) == MULTIBOOT_INFO_SIZE,
               "the Multiboot info's layout: section 3.3, as GRUB aligns it");

/* One memory map entry; size counts the bytes after itself, so the next
 * entry starts size + 4 bytes further on. */
struct multiboot_mmap_entry {
    uint32_t size;
    uint64_t addr;
    uint64_t len;
    uint32_t type;
} __attribute__((packed));

/* The memory map's entries run from multiboot_mmap_first(info) up to, not
 * including, multiboot_mmap_end(info); only when info->flags has
 * MULTIBOOT_INFO_MMAP. Each entry's size says where the next one starts. */
static inline const struct multiboot_mmap_entry *
multiboot_mmap_first(const struct multiboot_info *info)
{
    return (const void *)(uintptr_t)info->mmap_addr;
}

static inline const struct multiboot_mmap_entry *
multiboot_mmap_end(const struct multiboot_info *info)
{
    return (const void *)((uintptr_t)info->mmap_addr + info->mmap_length);
}

static inline const struct multiboot_mmap_entry *
multiboot_mmap_next(const struct multiboot_mmap_entry *e)
{
    return (const void *)((const char *)e + sizeof e->size + e->size);
}

struct multiboot_module {
    uint32_t mod_start;
    uint32_t mod_end;
    uint32_t string;
    uint32_t reserved;
} __attribute__((packed));

/* The end of what the loader's 32-bit addresses reach: its structures lie
 * below it. */
#define MULTIBOOT_ADDRESS_END (1ull << 32)

/* GRUB loads any number of modules; a count past this one is a wrong count
 * (walking it would read garbage for minutes). */
#define MULTIBOOT_MAX_MODULES 4096

/* True when info's module list can be walked: at most
 * MULTIBOOT_MAX_MODULES entries, all below 4 GiB (its addresses are 32
 * bits). Only when info->flags has MULTIBOOT_INFO_MODS. */
static inline bool
multiboot_mods_plausible(const struct multiboot_info *info)
{
    uint64_t end =
        info->mods_addr + (uint64_t)info->mods_count * sizeof(struct multiboot_module);
    return info->mods_count <= MULTIBOOT_MAX_MODULES && end <= MULTIBOOT_ADDRESS_END;
}

/* True when the loader left the display in a graphics mode (a palette or
 * direct-colour framebuffer), not VGA text. */
static inline bool
multiboot_graphics_mode(const struct multiboot_info *info)
{
    return (info->flags & MULTIBOOT_INFO_FRAMEBUFFER) &&
           info->framebuffer_type != MULTIBOOT_FRAMEBUFFER_EGA_TEXT;
}

#endif
