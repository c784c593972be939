; The benchmark's baseline: a Multiboot kernel that leaves QEMU at once
; through isa-debug-exit, so that its boot time is QEMU, firmware and the
; Multiboot loader, and nothing of sluice.
section .multiboot
align 4
    dd 0x1BADB002, 0, -0x1BADB002

section .text
global _start
_start:
    mov al, 0x10
    out 0xF4, al
.halt:
    cli
    hlt
    jmp .halt
