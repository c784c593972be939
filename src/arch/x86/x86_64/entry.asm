; The Multiboot 1 header and the x86_64 kernel's first instructions.
; A Multiboot loader (QEMU -kernel, GRUB) enters _start in 32-bit protected
; mode with paging off, EAX = 0x2BADB002 and EBX = the info structure. The
; 32-bit part checks the magic, the memory and the CPU, builds page tables
; that map the first 4 GiB onto themselves, turns on PAE, long mode and
; paging, and jumps to 64-bit code, which calls kmain(magic, info).

MB_MAGIC      equ 0x1BADB002
MB_ALIGN      equ 1 << 0            ; modules on page boundaries
MB_MEMINFO    equ 1 << 1            ; please fill in mem_* and the memory map
MB_ADDRESSES  equ 1 << 16           ; load by the address fields below
MB_FLAGS      equ MB_ALIGN | MB_MEMINFO | MB_ADDRESSES
STACK_SIZE    equ 16384

%include "config.inc"               ; CONFIG_STACK_PROTECTOR

PAGE_PRESENT  equ 1 << 0
PAGE_WRITABLE equ 1 << 1
PAGE_LARGE    equ 1 << 7            ; a 2 MiB page, in a page directory
LOW_GIBS      equ 4                 ; mapped here: VGA, the loader's data, us
CR4_PAE       equ 1 << 5
EFER          equ 0xC0000080
EFER_LME      equ 1 << 8
CR0_LONG_MODE equ 1 << 0 | 1 << 4 | 1 << 31 ; PE, ET, PG
EFLAGS_ID     equ 1 << 21           ; writable exactly when CPUID exists
CPUID_EXT     equ 0x80000000
CPUID_EXT_1   equ 0x80000001
CPUID_LM      equ 1 << 29           ; EDX of leaf 0x80000001: long mode
KERNEL_CS     equ 0x08              ; in gdt64 below (desc.c loads its own)
KERNEL_DS     equ 0x10

extern kernel_image_start, kernel_load_end, kernel_image_end
extern kmain

; QEMU loads an ELF64 file for Multiboot only by these address fields:
; copy the file from load_addr to load_end_addr, zero up to bss_end_addr.
section .multiboot                  ; the linker keeps it first in .text
align 4
multiboot_header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)
    dd multiboot_header             ; header_addr
    dd kernel_image_start           ; load_addr
    dd kernel_load_end              ; load_end_addr
    dd kernel_image_end             ; bss_end_addr
    dd _start                       ; entry_addr

section .bss
align 4096
global boot_pml4, boot_pdpt
boot_pml4:  resb 4096
boot_pdpt:  resb 4096               ; 512 GiB, a PDPT entry per GiB
boot_pd:    resb 4096 * LOW_GIBS    ; 2 MiB pages
%include "config.inc"               ; CONFIG_GUARD_PAGES
%if CONFIG_GUARD_PAGES              ; -Dguard-pages: the page below the stack
global boot_guard_page             ; stays unmapped (guard.c), so that an
boot_guard_page:                   ; overflow faults instead of writing on
    resb 4096                       ; the page tables
%endif
boot_stack_bottom:
    resb STACK_SIZE
global boot_stack_top
boot_stack_top:

section .text align=1               ; no padding: the minimal image is small
bits 32
%include "arch/x86/entry32.inc"     ; ENTRY_CHECKS, fail32

; Before fail32's callers, so that their jumps to it are short.
global _start
_start:
    ENTRY_CHECKS                    ; the magic and the memory, stackless
    mov esp, boot_stack_top
    push 2                          ; EFLAGS as defined, whatever the loader left
    popfd                           ; (Multiboot defines only VM and IF): DF, NT,
                                    ; AC clear among them
    mov edi, ebx                    ; the info structure, for kmain

    ; Long mode needs CPUID (EFLAGS.ID can be flipped) and its leaf
    ; 0x80000001 with the LM bit. A 32-bit CPU gets a message, not a reset.
    mov esi, no_long_mode
    pushfd
    pop eax
    mov ecx, eax
    xor eax, EFLAGS_ID
    push eax
    popfd
    pushfd
    pop eax
    xor eax, ecx
    jz fail32
    mov eax, CPUID_EXT
    cpuid
    cmp eax, CPUID_EXT_1
    jb fail32
    mov eax, CPUID_EXT_1
    cpuid
    test edx, CPUID_LM
    jz fail32

    ; The first LOW_GIBS GiB in 2 MiB pages, each onto itself (the tables
    ; are in .bss, which the loader zeroed: the entries' high halves are 0).
    mov dword [boot_pml4], boot_pdpt + PAGE_PRESENT + PAGE_WRITABLE
    mov eax, boot_pd + PAGE_PRESENT + PAGE_WRITABLE
    xor ebx, ebx
.pdpt:
    mov [boot_pdpt + ebx * 8], eax
    add eax, 4096
    inc ebx
    cmp ebx, LOW_GIBS
    jne .pdpt
    mov eax, PAGE_PRESENT + PAGE_WRITABLE + PAGE_LARGE
    xor ebx, ebx
.pd:
    mov [boot_pd + ebx * 8], eax
    add eax, 1 << 21
    inc ebx
    cmp ebx, LOW_GIBS * 512
    jne .pd

    mov eax, boot_pml4
    mov cr3, eax
    mov eax, CR4_PAE                ; PAE alone: a bit a loader left (LA57 would
    mov cr4, eax                    ; mean 5-level tables) must not stay
    mov ecx, EFER
    rdmsr
    or eax, EFER_LME
    wrmsr
    mov eax, CR0_LONG_MODE          ; all of CR0 as we want it: caches on
    mov cr0, eax                    ; (CD, NW clear); long mode is active from here
    lgdt [gdt64_pointer]
    jmp KERNEL_CS:long_mode

bits 64
long_mode:
    mov esp, boot_stack_top         ; RSP's upper half is undefined after the
                                    ; switch: a 32-bit write zero-extends
    mov eax, KERNEL_DS
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
%if CONFIG_STACK_PROTECTOR
    ; The guard before any C: no protected frame is live while it changes.
extern boot_stack_guard_init        ; boot/stack_protector.h
    mov ebx, edi                    ; the info structure, kept across the call
    mov esi, edi                    ; (magic, info) as kmain takes them
    mov edi, BOOT_MAGIC
    call boot_stack_guard_init
    mov edi, ebx
%endif
    mov esi, edi                    ; kmain(magic, info): RDI, RSI
    mov edi, BOOT_MAGIC
    call kmain                      ; kmain never returns

section .rodata
no_long_mode:
    db 'sluice: no long mode: x86_64 needs a 64-bit CPU', 0
align 8
gdt64:                              ; null, 64-bit code, data
    dq 0
    dq 0x00209A0000000000
    dq 0x0000920000000000
gdt64_pointer:
    dw $ - gdt64 - 1
    dd gdt64
