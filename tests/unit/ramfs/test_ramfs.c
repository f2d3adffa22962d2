/*
 * ramfs core: create/append/write/read/delete/list, the arena invariants
 * (files back to back in creation order), full arena and directory, and
 * table-driven bad names.
 */
#include "ktest.h"

#include <kestrel/apps/ramfs.h>

KT_MAIN_STATE;

static struct ramfs fs;

/* Every file lies right after the previous one; used is their sum. */
static int check_invariants(void)
{
	uint32_t off = 0;
	unsigned i;

	for (i = 0; i < CONFIG_RAMFS_FILES && fs.node[i].name[0] != '\0'; i++) {
		if (fs.node[i].off != off) {
			return 0;
		}
		off += fs.node[i].size;
	}
	for (; i < CONFIG_RAMFS_FILES; i++) {
		if (fs.node[i].name[0] != '\0') {
			return 0;
		}
	}
	return off == fs.used;
}

static void test_create_write_read(void)
{
	char buf[32];

	ramfs_init(&fs);
	KT_EQ(ramfs_write(&fs, "a.txt", "hello", 5), 0);
	KT_EQ(ramfs_read(&fs, "a.txt", 0, buf, sizeof(buf)), 5);
	KT_MEMEQ(buf, "hello", 5);
	KT_EQ(ramfs_read(&fs, "a.txt", 3, buf, sizeof(buf)), 2);
	KT_MEMEQ(buf, "lo", 2);
	KT_EQ(ramfs_read(&fs, "a.txt", 5, buf, sizeof(buf)), 0);
	KT_EQ(ramfs_read(&fs, "a.txt", 99, buf, sizeof(buf)), 0);
	KT_EQ(ramfs_read(&fs, "nope", 0, buf, sizeof(buf)), -ENOENT);
	KT_ASSERT(check_invariants());
}

static void test_append_middle_file(void)
{
	char buf[32];
	uint32_t size = 0;

	ramfs_init(&fs);
	KT_EQ(ramfs_write(&fs, "one", "111", 3), 0);
	KT_EQ(ramfs_write(&fs, "two", "22", 2), 0);
	KT_EQ(ramfs_write(&fs, "three", "3333", 4), 0);
	KT_EQ(ramfs_append(&fs, "two", "xy", 2), 0);
	KT_ASSERT(check_invariants());
	KT_EQ(ramfs_read(&fs, "two", 0, buf, sizeof(buf)), 4);
	KT_MEMEQ(buf, "22xy", 4);
	KT_EQ(ramfs_read(&fs, "three", 0, buf, sizeof(buf)), 4);
	KT_MEMEQ(buf, "3333", 4);
	KT_EQ(ramfs_stat(&fs, "one", &size), 0);
	KT_EQ(size, 3);
	KT_EQ(ramfs_append(&fs, "missing", "x", 1), -ENOENT);
}

static void test_delete_and_list_order(void)
{
	struct ramfs_info info;
	char buf[8];

	ramfs_init(&fs);
	KT_EQ(ramfs_write(&fs, "a", "AA", 2), 0);
	KT_EQ(ramfs_write(&fs, "b", "BBB", 3), 0);
	KT_EQ(ramfs_write(&fs, "c", "C", 1), 0);
	KT_EQ(ramfs_delete(&fs, "b"), 0);
	KT_EQ(ramfs_delete(&fs, "b"), -ENOENT);
	KT_ASSERT(check_invariants());
	KT_EQ(ramfs_list(&fs, 0, &info), 0);
	KT_STREQ(info.name, "a");
	KT_EQ(ramfs_list(&fs, 1, &info), 0);
	KT_STREQ(info.name, "c");
	KT_EQ(info.size, 1);
	KT_EQ(ramfs_list(&fs, 2, &info), -ENOENT);
	KT_EQ(ramfs_read(&fs, "c", 0, buf, sizeof(buf)), 1);
	KT_EQ(buf[0], 'C');
	/* re-creating truncates and moves the file last */
	KT_EQ(ramfs_create(&fs, "a"), 0);
	KT_EQ(ramfs_list(&fs, 1, &info), 0);
	KT_STREQ(info.name, "a");
	KT_EQ(info.size, 0);
	KT_EQ(fs.used, 1);
	KT_ASSERT(check_invariants());
}

static void test_arena_full(void)
{
	static uint8_t big[CONFIG_RAMFS_BYTES];
	struct ramfs_usage u;
	char buf[4];

	ramfs_init(&fs);
	memset(big, 0x5a, sizeof(big));
	KT_EQ(ramfs_write(&fs, "big", big, sizeof(big) - 10), 0);
	KT_EQ(ramfs_write(&fs, "small", big, 11), -ENOSPC);
	KT_EQ(ramfs_stat(&fs, "small", NULL), -ENOENT); /* nothing half-made */
	KT_EQ(ramfs_write(&fs, "small", big, 10), 0);
	KT_EQ(ramfs_append(&fs, "small", "x", 1), -ENOSPC);
	KT_EQ(ramfs_append(&fs, "small", "", 0), 0);
	/* a rewrite that does not fit keeps the old contents */
	KT_EQ(ramfs_write(&fs, "small", big, 11), -ENOSPC);
	KT_EQ(ramfs_read(&fs, "small", 0, buf, 4), 4);
	/* a rewrite may reuse the file's own space */
	KT_EQ(ramfs_write(&fs, "big", "tiny", 4), 0);
	ramfs_usage(&fs, &u);
	KT_EQ(u.used, 14);
	KT_EQ(u.total, CONFIG_RAMFS_BYTES);
	KT_EQ(u.files, 2);
	KT_ASSERT(check_invariants());
}

static void test_directory_full(void)
{
	char name[8];

	ramfs_init(&fs);
	for (int i = 0; i < CONFIG_RAMFS_FILES; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		KT_EQ(ramfs_create(&fs, name), 0);
	}
	KT_EQ(ramfs_create(&fs, "extra"), -ENOSPC);
	KT_EQ(ramfs_write(&fs, "extra", "x", 1), -ENOSPC);
	KT_EQ(ramfs_create(&fs, "f0"), 0); /* truncating an existing one is fine */
	KT_ASSERT(check_invariants());
}

static void test_bad_names(void)
{
	static const struct {
		const char *row, *name;
		int want;
	} rows[] = {
		{"empty", "", -EINVAL},
		{"slash", "a/b", -EINVAL},
		{"space", "a b", -EINVAL},
		{"control", "a\tb", -EINVAL},
		{"high byte", "caf\xc3\xa9", -EINVAL},
		{"DEL", "a\x7f", -EINVAL},
		{"31 bytes ok", "abcdefghijklmnopqrstuvwxyz01234", 0},
		{"32 bytes", "abcdefghijklmnopqrstuvwxyz012345", -ENAMETOOLONG},
		{"very long", "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnop",
		 -ENAMETOOLONG},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		KT_ROW(rows[i].row);
		ramfs_init(&fs);
		KT_EQ(ramfs_create(&fs, rows[i].name), rows[i].want);
		KT_EQ(ramfs_write(&fs, rows[i].name, "x", 1), rows[i].want);
		KT_EQ(ramfs_name_ok(rows[i].name), rows[i].want == 0);
	}
	KT_EQ(ramfs_name_ok(NULL), 0);
}

/* Random operations against a simple model. */
static void test_random_ops(void)
{
	static uint8_t model[4][512];
	static uint32_t msize[4];
	static bool exists[4];
	static uint8_t buf[512];
	uint32_t seed = 12345;
	char name[4] = "m0";

	ramfs_init(&fs);
	memset(exists, 0, sizeof(exists));
	for (int step = 0; step < 2000; step++) {
		seed = seed * 1103515245u + 12345u;
		unsigned f = (seed >> 16) % 4, op = (seed >> 20) % 4;
		uint32_t n = (seed >> 8) % 64;

		name[1] = (char)('0' + f);
		if (op == 0) {
			KT_EQ(ramfs_create(&fs, name), 0);
			exists[f] = true;
			msize[f] = 0;
		} else if (op == 1 && exists[f] && msize[f] + n <= 512) {
			memset(buf, (int)step, n);
			KT_EQ(ramfs_append(&fs, name, buf, n), 0);
			memset(model[f] + msize[f], (int)step, n);
			msize[f] += n;
		} else if (op == 2) {
			KT_EQ(ramfs_delete(&fs, name), exists[f] ? 0 : -ENOENT);
			exists[f] = false;
		}
		KT_ASSERT(check_invariants());
		for (unsigned k = 0; k < 4; k++) {
			name[1] = (char)('0' + k);
			if (exists[k]) {
				KT_EQ(ramfs_read(&fs, name, 0, buf, sizeof(buf)), msize[k]);
				KT_MEMEQ(buf, model[k], msize[k]);
			} else {
				KT_EQ(ramfs_stat(&fs, name, NULL), -ENOENT);
			}
		}
	}
}

static const struct kt_case cases[] = {
	KT_CASE(test_create_write_read),
	KT_CASE(test_append_middle_file),
	KT_CASE(test_delete_and_list_order),
	KT_CASE(test_arena_full),
	KT_CASE(test_directory_full),
	KT_CASE(test_bad_names),
	KT_CASE(test_random_ops),
};

int main(void)
{
	return KT_RUN("ramfs", cases, NULL);
}
