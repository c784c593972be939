; The x86_64 benchmark's baseline: a Multiboot kernel that does what any
; long-mode kernel must before its first 64-bit instruction (page tables
; for the first GiB, PAE, EFER.LME, paging, a 64-bit GDT, the far jump) and
; then leaves QEMU through isa-debug-exit: QEMU, firmware, the Multiboot
; loader and the switch to long mode, and nothing of sluice. Assembled as
; ELF32 (QEMU loads that for Multiboot), 64-bit code included.
section .multiboot
align 4
    dd 0x1BADB002, 0, -0x1BADB002

section .bss
align 4096
pml4: resb 4096
pdpt: resb 4096
pd:   resb 4096

section .text
bits 32
global _start
_start:
    mov dword [pml4], pdpt + 3
    mov dword [pdpt], pd + 3
    mov eax, 0x83                   ; present, writable, 2 MiB
    xor ecx, ecx
.map:
    mov [pd + ecx * 8], eax
    add eax, 1 << 21
    inc ecx
    cmp ecx, 512
    jne .map
    mov eax, pml4
    mov cr3, eax
    mov eax, cr4
    or eax, 1 << 5
    mov cr4, eax
    mov ecx, 0xC0000080
    rdmsr
    or eax, 1 << 8
    wrmsr
    mov eax, cr0
    or eax, 1 << 31 | 1
    mov cr0, eax
    lgdt [gdt_pointer]
    jmp 0x08:long_mode
bits 64
long_mode:
    mov al, 0x10
    out 0xF4, al
.halt:
    cli
    hlt
    jmp .halt

section .rodata
align 8
gdt:
    dq 0, 0x00209A0000000000
gdt_pointer:
    dw $ - gdt - 1
    dd gdt
