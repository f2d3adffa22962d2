/*
 * ramfs: a tiny RAM filesystem for downloads and scratch files.
 *
 * One flat directory of at most CONFIG_RAMFS_FILES files whose contents
 * live back to back in one static arena of CONFIG_RAMFS_BYTES bytes (no
 * heap, no fragmentation: deleting a file slides the later ones down).
 * A file being written is kept last in the arena, so appending to it --
 * what `wget -O` does chunk by chunk -- costs no copying.
 *
 * The core (ramfs.c) is a pure library over a caller-owned struct ramfs:
 * no kernel calls, so unit tests and fuzzers use it directly. The device
 * has one instance, ramfs_root(), guarded by ramfs_lock()/ramfs_unlock()
 * (apps/ramfs/ramfs_sys.c), and the shell commands `ls`, `cat`, `rm` and
 * `df` work on it.
 *
 * Names are 1..CONFIG_RAMFS_NAME_MAX-1 printable ASCII bytes without '/'
 * or blanks.
 */
#ifndef KESTREL_APPS_RAMFS_H
#define KESTREL_APPS_RAMFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel_config.h>
#include <kestrel/errno.h>

/* Bytes of file contents the filesystem holds (arena size). */
#ifndef CONFIG_RAMFS_BYTES
#define CONFIG_RAMFS_BYTES (32 * 1024)
#endif
/* Files the directory holds. */
#ifndef CONFIG_RAMFS_FILES
#define CONFIG_RAMFS_FILES 16
#endif
/* Name buffer per file, NUL included (so names are up to 31 bytes). */
#ifndef CONFIG_RAMFS_NAME_MAX
#define CONFIG_RAMFS_NAME_MAX 32
#endif

_Static_assert(CONFIG_RAMFS_BYTES >= 64 && CONFIG_RAMFS_BYTES <= 0x7fffffff, "ramfs arena size");
_Static_assert(CONFIG_RAMFS_FILES >= 1 && CONFIG_RAMFS_FILES <= 255, "ramfs: 1..255 files");
_Static_assert(CONFIG_RAMFS_NAME_MAX >= 4 && CONFIG_RAMFS_NAME_MAX <= 128, "ramfs name size");

struct ramfs_node {
	char name[CONFIG_RAMFS_NAME_MAX]; /* "" = free slot */
	uint32_t off;			  /* start in the arena */
	uint32_t size;
	uint32_t seq; /* creation order (ls sorts by it) */
};

struct ramfs {
	struct ramfs_node node[CONFIG_RAMFS_FILES];
	uint32_t used; /* arena bytes in use */
	uint32_t next_seq;
	uint8_t arena[CONFIG_RAMFS_BYTES];
};

struct ramfs_info {
	const char *name; /* valid until the file is deleted or renamed */
	uint32_t size;
};

struct ramfs_usage {
	uint32_t used, total; /* bytes */
	uint16_t files, max_files;
};

/* Empties the filesystem. */
void ramfs_init(struct ramfs *fs);

/*
 * Creates an empty file, or truncates an existing one to 0 bytes.
 * @retval -EINVAL bad name   @retval -ENAMETOOLONG name too long
 * @retval -ENOSPC no free directory slot
 */
int ramfs_create(struct ramfs *fs, const char *name);

/*
 * Appends len bytes (caller keeps data). Returns 0; nothing is written
 * unless all of it fits.
 * @retval -ENOENT no such file   @retval -ENOSPC the arena is full
 */
int ramfs_append(struct ramfs *fs, const char *name, const void *data, size_t len);

/*
 * Replaces (or creates) a file with len bytes. The old contents stay if the
 * new ones do not fit. Errors as ramfs_create() and ramfs_append().
 */
int ramfs_write(struct ramfs *fs, const char *name, const void *data, size_t len);

/*
 * Copies up to len bytes from offset off into buf; returns the count (0 at
 * or past the end). @retval -ENOENT no such file
 */
int ramfs_read(const struct ramfs *fs, const char *name, uint32_t off, void *buf, size_t len);

/* File size. @retval -ENOENT */
int ramfs_stat(const struct ramfs *fs, const char *name, uint32_t *size);

/* Deletes a file. @retval -ENOENT */
int ramfs_delete(struct ramfs *fs, const char *name);

/*
 * The idx-th file in creation order (0, 1, ...).
 * @retval -ENOENT idx is past the last file
 */
int ramfs_list(const struct ramfs *fs, unsigned idx, struct ramfs_info *out);

void ramfs_usage(const struct ramfs *fs, struct ramfs_usage *out);

/* True if name is acceptable (see above). */
bool ramfs_name_ok(const char *name);

/* ---- the device's filesystem (library kestrel_app_ramfs) ---- */

/* The device's one filesystem (initialised on first use). */
struct ramfs *ramfs_root(void);
/* Serialise every use of ramfs_root() between tasks. */
void ramfs_lock(void);
void ramfs_unlock(void);

#endif /* KESTREL_APPS_RAMFS_H */
