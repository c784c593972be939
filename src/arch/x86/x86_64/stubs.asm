; Interrupt entry stubs, 64-bit: every vector 0-47 arrives at isr_common
; with the same frame (struct irq_frame in frame.h): the fifteen general
; registers, the vector, an error code, then what the CPU pushed (RIP, CS,
; RFLAGS, RSP, SS: long mode always pushes the stack).

%include "config.inc"               ; GDT_KERNEL_CS, from this folder's meson.build
%include "arch/x86/vectors.inc"     ; HAS_ERROR, STUB_TABLE, RAISE_TABLE
NO_ERROR    equ -1                  ; frame.h's FRAME_NO_ERROR, sign-extended

bits 64
section .text align=16


%assign v 0
%rep 48
isr_stub_ %+ v:
%if HAS_ERROR(v)
    ; A software `int v` pushes no error code. Tell the two apart by the
    ; third slot: with an error code it is CS; without, RFLAGS, whose bit 1
    ; is always set, so never our selector. Only CS's low 16 bits count.
    cmp word [rsp + 16], GDT_KERNEL_CS
    je .has_error
    push qword NO_ERROR
.has_error:
%else
    push qword NO_ERROR
%endif
    push qword v
    jmp isr_common
%assign v v + 1
%endrep

extern irq_dispatch
isr_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp                    ; irq_dispatch(frame, vector): RDI, RSI
    mov rsi, [rsp + 15 * 8]
    cld
    mov rbx, rsp                    ; the System V ABI wants RSP 16-aligned
    and rsp, -16                    ; at a call; RBX survives the call
    call irq_dispatch
    mov rsp, rbx
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16                     ; vector and error code
    iretq

STUB_TABLE dq

; void x86_int(uint32_t vector): see RAISE_TABLE (vectors.inc).
section .text
global x86_int
x86_int:
    and edi, 31
    lea rax, [rel raise_table]
    lea rax, [rax + rdi * 4]
    jmp rax
RAISE_TABLE
