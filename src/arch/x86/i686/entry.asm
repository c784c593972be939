; The Multiboot 1 header and the kernel's first instructions.
; A Multiboot loader (QEMU -kernel, GRUB) enters _start in 32-bit protected
; mode with paging off, EAX = 0x2BADB002 and EBX = the info structure.
; _start checks the magic and the memory before it takes the stack.

MB_MAGIC    equ 0x1BADB002
MB_ALIGN    equ 1 << 0              ; modules on page boundaries
MB_MEMINFO  equ 1 << 1              ; please fill in mem_* and the memory map
MB_FLAGS    equ MB_ALIGN | MB_MEMINFO
STACK_SIZE  equ 16384

%include "config.inc"               ; CONFIG_STACK_PROTECTOR

section .multiboot                  ; the linker keeps it first in .text
align 4
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)

%include "config.inc"               ; CONFIG_GUARD_PAGES
%if CONFIG_GUARD_PAGES
section .bss align=4096             ; -Dguard-pages: the page below the stack
global boot_guard_page             ; stays unmapped (guard.c), so that an
boot_guard_page:                   ; overflow faults instead of writing on
    resb 4096                       ; what lies below
%else
section .bss
align 16
%endif
boot_stack_bottom:
    resb STACK_SIZE
global boot_stack_top
boot_stack_top:

section .text align=1               ; no padding: the minimal image is tiny
%include "arch/x86/entry32.inc"     ; ENTRY_CHECKS, fail32

; After fail32, so that the jumps to it are short.
global _start
extern kmain
_start:
    ENTRY_CHECKS                    ; the magic and the memory, stackless
    cld                             ; Multiboot leaves the direction flag undefined
    mov esp, boot_stack_top
%if CONFIG_STACK_PROTECTOR
    ; The guard before any C: no protected frame is live while it changes.
extern boot_stack_guard_init        ; boot/stack_protector.h
    mov esi, eax                    ; the magic, kept across the call
    mov edx, ebx                    ; (magic, info) as kmain takes them
    call boot_stack_guard_init
    mov eax, esi
%endif
    mov edx, ebx                    ; kmain(magic, info): the kernel is
    call kmain                      ; built with -mregparm=3 (EAX, EDX, ECX)
                                    ; kmain never returns
