/* Hosted port: per-task state kept in the TCB. */
#ifndef KESTREL_ARCH_TYPES_H
#define KESTREL_ARCH_TYPES_H

struct posix_thread;

struct os_arch_task {
	struct posix_thread *th; /* host thread that carries the task */
};

#endif
