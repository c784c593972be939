; Interrupt entry stubs: every vector 0-47 arrives at isr_common with the
; same frame (struct irq_frame in frame.h): the general registers (pusha),
; the vector, an error code, then what the CPU pushed (EIP, CS, EFLAGS).

%include "config.inc"               ; GDT_KERNEL_CS, from this folder's meson.build
%include "arch/x86/vectors.inc"     ; HAS_ERROR, STUB_TABLE, RAISE_TABLE
NO_ERROR    equ 0xFFFFFFFF          ; frame.h's FRAME_NO_ERROR

section .text align=16


%assign v 0
%rep 48
isr_stub_ %+ v:
%if HAS_ERROR(v)
    ; A software `int v` pushes no error code. Tell the two apart by the
    ; third word: with an error code it is CS; without, EFLAGS, whose bit 1
    ; is always set, so never our selector. Only CS's low 16 bits count:
    ; some CPUs leave the rest of its slot as it was.
    cmp word [esp + 8], GDT_KERNEL_CS
    je .has_error
    push dword NO_ERROR
.has_error:
%else
    push dword NO_ERROR
%endif
    push dword v
    jmp isr_common
%assign v v + 1
%endrep

extern irq_dispatch
isr_common:
    pusha
    mov eax, esp                    ; irq_dispatch(frame, vector), with
    mov edx, [esp + 32]             ; -mregparm=3 (meson.build): EAX, EDX
    cld
    call irq_dispatch
    popa
    add esp, 8                      ; vector and error code
    iret

STUB_TABLE dd

; void x86_int(uint32_t vector): see RAISE_TABLE (vectors.inc).
section .text
global x86_int
x86_int:
    and eax, 31
    lea eax, [raise_table + eax * 4]
    jmp eax
RAISE_TABLE
