/*
 * ramfs core: a flat directory over one arena.
 *
 * Design. The directory is an array of nodes kept dense and in creation
 * order (nodes 0..count-1 are in use), and the files' bytes lie in the
 * arena in the same order, back to back: file i starts where file i-1
 * ends. So there is no free-space map and no fragmentation:
 *
 *   arena: [ file0 | file1 | ... | fileN-1 |      free      ]
 *          0                              used              CONFIG_RAMFS_BYTES
 *
 * Creating (or truncating, which deletes and re-creates) puts a file last,
 * so the usual pattern -- create, then append chunk after chunk -- only
 * copies the new bytes. Appending to an earlier file slides the later
 * files up; deleting slides them down. Both are one memmove of at most
 * the arena size.
 */
#include <kestrel/apps/ramfs.h>

#include <string.h>

static unsigned ramfs_count(const struct ramfs *fs)
{
	unsigned n = 0;

	while (n < CONFIG_RAMFS_FILES && fs->node[n].name[0] != '\0') {
		n++;
	}
	return n;
}

static int ramfs_find(const struct ramfs *fs, const char *name)
{
	unsigned n = ramfs_count(fs);

	for (unsigned i = 0; i < n; i++) {
		if (strncmp(fs->node[i].name, name, CONFIG_RAMFS_NAME_MAX) == 0) {
			return (int)i;
		}
	}
	return -ENOENT;
}

bool ramfs_name_ok(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0') {
		return false;
	}
	for (i = 0; i < CONFIG_RAMFS_NAME_MAX && name[i] != '\0'; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= ' ' || c >= 0x7f || c == '/') {
			return false;
		}
	}
	return i < CONFIG_RAMFS_NAME_MAX;
}

static int ramfs_check_name(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0') {
		return -EINVAL;
	}
	for (i = 0; name[i] != '\0'; i++) {
		if (i + 1 >= CONFIG_RAMFS_NAME_MAX) {
			return -ENAMETOOLONG;
		}
	}
	return ramfs_name_ok(name) ? 0 : -EINVAL;
}

void ramfs_init(struct ramfs *fs)
{
	memset(fs->node, 0, sizeof(fs->node));
	fs->used = 0;
	fs->next_seq = 1;
}

/* Removes node i and its bytes; later files slide down. */
static void ramfs_remove(struct ramfs *fs, unsigned i)
{
	unsigned n = ramfs_count(fs);
	uint32_t off = fs->node[i].off;
	uint32_t size = fs->node[i].size;

	memmove(fs->arena + off, fs->arena + off + size, fs->used - off - size);
	fs->used -= size;
	for (unsigned j = i; j + 1 < n; j++) {
		fs->node[j] = fs->node[j + 1];
		fs->node[j].off -= size;
	}
	memset(&fs->node[n - 1], 0, sizeof(fs->node[n - 1]));
}

int ramfs_create(struct ramfs *fs, const char *name)
{
	int rc = ramfs_check_name(name);
	unsigned n;

	if (rc < 0) {
		return rc;
	}
	rc = ramfs_find(fs, name);
	if (rc >= 0) {
		ramfs_remove(fs, (unsigned)rc);
	}
	n = ramfs_count(fs);
	if (n >= CONFIG_RAMFS_FILES) {
		return -ENOSPC;
	}
	memset(&fs->node[n], 0, sizeof(fs->node[n]));
	memcpy(fs->node[n].name, name, strlen(name));
	fs->node[n].off = fs->used;
	fs->node[n].size = 0;
	fs->node[n].seq = fs->next_seq++;
	return 0;
}

int ramfs_append(struct ramfs *fs, const char *name, const void *data, size_t len)
{
	int i = ramfs_find(fs, name);
	unsigned n = ramfs_count(fs);
	uint32_t end;

	if (i < 0) {
		return i;
	}
	if (len > (size_t)(CONFIG_RAMFS_BYTES - fs->used)) {
		return -ENOSPC;
	}
	if (len == 0) {
		return 0;
	}
	end = fs->node[i].off + fs->node[i].size;
	memmove(fs->arena + end + len, fs->arena + end, fs->used - end);
	memcpy(fs->arena + end, data, len);
	fs->node[i].size += (uint32_t)len;
	for (unsigned j = (unsigned)i + 1; j < n; j++) {
		fs->node[j].off += (uint32_t)len;
	}
	fs->used += (uint32_t)len;
	return 0;
}

int ramfs_write(struct ramfs *fs, const char *name, const void *data, size_t len)
{
	int rc = ramfs_check_name(name);
	int i;
	uint32_t old = 0;

	if (rc < 0) {
		return rc;
	}
	i = ramfs_find(fs, name);
	if (i >= 0) {
		old = fs->node[i].size;
	} else if (ramfs_count(fs) >= CONFIG_RAMFS_FILES) {
		return -ENOSPC;
	}
	if (len > (size_t)(CONFIG_RAMFS_BYTES - fs->used) + old) {
		return -ENOSPC;
	}
	rc = ramfs_create(fs, name);
	if (rc < 0) {
		return rc;
	}
	return ramfs_append(fs, name, data, len);
}

int ramfs_read(const struct ramfs *fs, const char *name, uint32_t off, void *buf, size_t len)
{
	int i = ramfs_find(fs, name);
	uint32_t size;

	if (i < 0) {
		return i;
	}
	size = fs->node[i].size;
	if (off >= size) {
		return 0;
	}
	if (len > size - off) {
		len = size - off;
	}
	if (len > 0x7fffffff) {
		len = 0x7fffffff;
	}
	memcpy(buf, fs->arena + fs->node[i].off + off, len);
	return (int)len;
}

int ramfs_stat(const struct ramfs *fs, const char *name, uint32_t *size)
{
	int i = ramfs_find(fs, name);

	if (i < 0) {
		return i;
	}
	if (size != NULL) {
		*size = fs->node[i].size;
	}
	return 0;
}

int ramfs_delete(struct ramfs *fs, const char *name)
{
	int i = ramfs_find(fs, name);

	if (i < 0) {
		return i;
	}
	ramfs_remove(fs, (unsigned)i);
	return 0;
}

int ramfs_list(const struct ramfs *fs, unsigned idx, struct ramfs_info *out)
{
	if (idx >= ramfs_count(fs)) {
		return -ENOENT;
	}
	out->name = fs->node[idx].name;
	out->size = fs->node[idx].size;
	return 0;
}

void ramfs_usage(const struct ramfs *fs, struct ramfs_usage *out)
{
	out->used = fs->used;
	out->total = CONFIG_RAMFS_BYTES;
	out->files = (uint16_t)ramfs_count(fs);
	out->max_files = CONFIG_RAMFS_FILES;
}
