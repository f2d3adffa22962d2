/*
 * Shell core, part 2: the line editor.
 *
 * shell_input() is a byte-at-a-time state machine. Plain bytes edit
 * sh->line[0..len) at sh->cur and echo what changed; ESC starts a VT100
 * sequence that a three-state parser (ESC, CSI "ESC [", SS3 "ESC O")
 * collects, keeping only the first numeric parameter (saturated at 255)
 * so a sequence of any length costs one byte of state. A byte that cannot
 * continue a sequence aborts it and is then handled as ordinary input.
 *
 * Screen updates assume a VT100-compatible terminal: after changing the
 * line at position p the editor rewrites line[p..len), erases to the end
 * of the screen line (ESC [ K) and moves the cursor back. Lines never
 * wrap logic-wise; on a narrow terminal long lines scroll as the terminal
 * pleases.
 *
 * Keys (see docs/shell.md): Enter = CR, LF or CR LF (one line each);
 * Backspace = BS or DEL; Ctrl-A/E home/end; Ctrl-B/F left/right; Ctrl-D
 * delete under the cursor (on an empty line: end of session); Ctrl-K/U
 * kill to end/start; Ctrl-W kill the word before the cursor; Ctrl-C
 * abandon the line; Ctrl-L clear the screen; Tab complete a command name;
 * arrows, Home, End, Delete; Up/Down walk the history.
 */
#include <stdint.h>
#include <string.h>

#include <kestrel/lib/fmt.h>
#include <kestrel/os/shell.h>

#include "shell_internal.h"

#define CTRL(c) ((uint8_t)((c)&0x1f))

#define KEY_DEL 0x7f
#define KEY_ESC 0x1b

enum esc_state {
	ESC_NONE = 0,
	ESC_START, /* got ESC */
	ESC_CSI,   /* got ESC [ */
	ESC_SS3,   /* got ESC O */
};

#define LINE_CAP (CONFIG_SHELL_LINE_MAX - 1) /* characters a line can hold */

void shell_init(struct shell *sh, shell_write_fn write, void *ctx)
{
	memset(sh, 0, sizeof(*sh));
	sh->write = write;
	sh->ctx = ctx;
	sh->prompt = CONFIG_SHELL_PROMPT;
	sh->hist_pos = -1;
}

void shell_set_prompt(struct shell *sh, const char *prompt)
{
	sh->prompt = prompt != NULL ? prompt : "";
}

void shell_set_privileged(struct shell *sh, bool privileged)
{
	sh->privileged = privileged;
}

bool shell_is_privileged(const struct shell *sh)
{
	return sh->privileged;
}

void shell_set_crlf(struct shell *sh, bool crlf)
{
	sh->crlf = crlf;
}

bool shell_eof(const struct shell *sh)
{
	return sh->eof;
}

void shell_start(struct shell *sh)
{
	shell_puts(sh, sh->prompt);
}

/* ---- screen helpers ------------------------------------------------------ */

static void bell(struct shell *sh)
{
	shell_write(sh, "\a", 1);
}

static void cursor_move(struct shell *sh, unsigned n, char dir)
{
	if (n == 0) {
		return;
	}
	if (n == 1 && dir == 'D') {
		shell_write(sh, "\b", 1);
	} else {
		shell_printf(sh, "\x1b[%u%c", n, dir);
	}
}

/* Rewrites the line from `from` to the end, erases the rest, restores the cursor. */
static void redraw_tail(struct shell *sh, unsigned from)
{
	shell_write(sh, sh->line + from, sh->len - from);
	shell_write(sh, "\x1b[K", 3);
	cursor_move(sh, sh->len - sh->cur, 'D');
}

static void reset_line(struct shell *sh)
{
	sh->len = 0;
	sh->cur = 0;
	sh->overflow = false;
	sh->hist_pos = -1;
	sh->line[0] = '\0';
}

/* Prompt and the whole line, cursor where it was (after Ctrl-L, Tab lists). */
static void redraw_all(struct shell *sh)
{
	shell_puts(sh, sh->prompt);
	redraw_tail(sh, 0);
}

/* ---- editing ------------------------------------------------------------- */

static void insert_bytes(struct shell *sh, const char *s, unsigned n)
{
	unsigned at = sh->cur;

	if (n > (unsigned)(LINE_CAP - sh->len)) {
		sh->overflow = true;
		n = (unsigned)(LINE_CAP - sh->len);
		bell(sh);
	}
	if (n == 0) {
		return;
	}
	memmove(sh->line + at + n, sh->line + at, sh->len - at);
	memcpy(sh->line + at, s, n);
	sh->len = (uint16_t)(sh->len + n);
	sh->cur = (uint16_t)(sh->cur + n);
	if (sh->cur == sh->len) {
		shell_write(sh, s, n); /* typing at the end: plain echo */
	} else {
		redraw_tail(sh, at);
	}
}

/* Deletes line[from..to) and leaves the cursor at from. */
static void delete_range(struct shell *sh, unsigned from, unsigned to)
{
	if (from >= to || to > sh->len) {
		return;
	}
	cursor_move(sh, sh->cur - from, 'D');
	memmove(sh->line + from, sh->line + to, sh->len - to);
	sh->len = (uint16_t)(sh->len - (to - from));
	sh->cur = (uint16_t)from;
	redraw_tail(sh, from);
}

static void move_to(struct shell *sh, unsigned pos)
{
	if (pos < sh->cur) {
		cursor_move(sh, sh->cur - pos, 'D');
	} else {
		cursor_move(sh, pos - sh->cur, 'C');
	}
	sh->cur = (uint16_t)pos;
}

/* Replaces the whole line (history recall). */
static void set_line(struct shell *sh, const char *s)
{
	size_t n = strlen(s);

	cursor_move(sh, sh->cur, 'D');
	memcpy(sh->line, s, n);
	sh->len = (uint16_t)n;
	sh->cur = (uint16_t)n;
	shell_write(sh, sh->line, n);
	shell_write(sh, "\x1b[K", 3);
}

static unsigned word_start(const struct shell *sh)
{
	unsigned p = sh->cur;

	while (p > 0 && sh->line[p - 1] == ' ') {
		p--;
	}
	while (p > 0 && sh->line[p - 1] != ' ') {
		p--;
	}
	return p;
}

/* ---- history ------------------------------------------------------------- */

#if CONFIG_SHELL_HISTORY > 0
/* Entry i, 0 = newest. */
static const char *hist_entry(const struct shell *sh, unsigned i)
{
	unsigned slot = (sh->hist_head + CONFIG_SHELL_HISTORY - 1u - i) % CONFIG_SHELL_HISTORY;
	return sh->hist[slot];
}

static void hist_add(struct shell *sh)
{
	if (sh->len == 0 || (sh->hist_count > 0 && strcmp(hist_entry(sh, 0), sh->line) == 0)) {
		return;
	}
	memcpy(sh->hist[sh->hist_head], sh->line, (size_t)sh->len + 1);
	sh->hist_head = (uint8_t)((sh->hist_head + 1u) % CONFIG_SHELL_HISTORY);
	if (sh->hist_count < CONFIG_SHELL_HISTORY) {
		sh->hist_count++;
	}
}

static void hist_move(struct shell *sh, int dir)
{
	int pos = sh->hist_pos + dir;

	if (pos >= (int)sh->hist_count || pos < -1) {
		bell(sh);
		return;
	}
	sh->hist_pos = (int8_t)pos;
	set_line(sh, pos < 0 ? "" : hist_entry(sh, (unsigned)pos));
}
#else
static void hist_add(struct shell *sh)
{
	(void)sh;
}

static void hist_move(struct shell *sh, int dir)
{
	(void)dir;
	bell(sh);
}
#endif

/* ---- completion ---------------------------------------------------------- */

/* Lists the commands starting with line[0..plen), sorted, then redraws. */
static void list_matches(struct shell *sh, unsigned plen)
{
	const struct shell_cmd *c;

	shell_write(sh, "\n", 1);
	for (c = shell_cmd_next_sorted(NULL); c != NULL; c = shell_cmd_next_sorted(c)) {
		if (strncmp(c->name, sh->line, plen) == 0) {
			shell_puts(sh, c->name);
			shell_write(sh, "  ", 2);
		}
	}
	shell_write(sh, "\n", 1);
	redraw_all(sh);
}

/*
 * Tab: completes the command name before the cursor as far as it is
 * unambiguous (plus a space when only one command matches); when it
 * cannot extend it, lists the candidates.
 */
static void complete(struct shell *sh)
{
	unsigned plen = sh->cur;
	const struct shell_cmd *first = NULL;
	size_t common = 0, matches = 0, n = shell_cmd_count();

	if (memchr(sh->line, ' ', plen) != NULL) {
		bell(sh); /* only command names complete */
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct shell_cmd *c = shell_cmd_at(i);
		if (strncmp(c->name, sh->line, plen) != 0) {
			continue;
		}
		if (first == NULL) {
			first = c;
			common = strlen(c->name);
		} else if (strcmp(c->name, first->name) != 0) {
			size_t k = plen;
			while (k < common && c->name[k] == first->name[k]) {
				k++;
			}
			common = k;
		} else {
			continue; /* a duplicate name is one candidate */
		}
		matches++;
	}
	if (matches == 0) {
		bell(sh);
	} else if (common > plen) {
		insert_bytes(sh, first->name + plen, (unsigned)(common - plen));
		if (matches == 1 && sh->cur == sh->len) {
			insert_bytes(sh, " ", 1);
		}
	} else if (matches == 1) {
		if (sh->cur == sh->len) {
			insert_bytes(sh, " ", 1);
		}
	} else {
		list_matches(sh, plen);
	}
}

/* ---- keys ---------------------------------------------------------------- */

static void enter(struct shell *sh)
{
	shell_write(sh, "\n", 1);
	sh->line[sh->len] = '\0';
	if (sh->overflow) {
		shell_printf(sh, "error: line too long (max %d characters)\n", LINE_CAP);
	} else {
		hist_add(sh);
		shell_exec_line(sh, sh->line);
	}
	reset_line(sh);
	shell_start(sh);
}

/* Final byte of a CSI or SS3 sequence, with its first parameter. */
static void escape_key(struct shell *sh, uint8_t final, unsigned arg)
{
	switch (final) {
	case 'A':
		hist_move(sh, 1);
		break;
	case 'B':
		hist_move(sh, -1);
		break;
	case 'C':
		move_to(sh, sh->cur < sh->len ? sh->cur + 1u : sh->cur);
		break;
	case 'D':
		move_to(sh, sh->cur > 0 ? sh->cur - 1u : 0);
		break;
	case 'H':
		move_to(sh, 0);
		break;
	case 'F':
		move_to(sh, sh->len);
		break;
	case '~':
		if (arg == 1 || arg == 7) {
			move_to(sh, 0);
		} else if (arg == 4 || arg == 8) {
			move_to(sh, sh->len);
		} else if (arg == 3) {
			delete_range(sh, sh->cur, sh->cur + 1u);
		}
		break;
	default:
		break; /* other keys (F1..F12, Insert, ...) do nothing */
	}
}

/*
 * Feeds one byte to the escape parser. Returns true if the byte was
 * consumed by it, false if it is ordinary input.
 */
static bool escape_byte(struct shell *sh, uint8_t c)
{
	switch (sh->esc) {
	case ESC_START:
		sh->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		sh->esc_arg = 0;
		return c == '[' || c == 'O' || c >= 0x20; /* ESC x (Alt-x) is dropped */
	case ESC_CSI:
		if (c >= '0' && c <= '9') {
			unsigned v = sh->esc_arg * 10u + (c - '0');
			sh->esc_arg = (uint8_t)(v > 255 ? 255 : v);
			return true;
		}
		if (c == ';' || (c >= 0x20 && c <= 0x2f) || (c >= 0x3c && c <= 0x3f)) {
			return true; /* further parameters, intermediates, private marks */
		}
		sh->esc = ESC_NONE;
		if (c >= 0x40 && c <= 0x7e) {
			escape_key(sh, c, sh->esc_arg);
			return true;
		}
		return false;
	case ESC_SS3:
		sh->esc = ESC_NONE;
		if (c >= 0x40 && c <= 0x7e) {
			escape_key(sh, c, 0);
			return true;
		}
		return false;
	default:
		return false;
	}
}

static void control_key(struct shell *sh, uint8_t c)
{
	switch (c) {
	case CTRL('A'):
		move_to(sh, 0);
		break;
	case CTRL('E'):
		move_to(sh, sh->len);
		break;
	case CTRL('B'):
		move_to(sh, sh->cur > 0 ? sh->cur - 1u : 0);
		break;
	case CTRL('F'):
		move_to(sh, sh->cur < sh->len ? sh->cur + 1u : sh->cur);
		break;
	case CTRL('H'):
	case KEY_DEL:
		if (sh->cur == 0) {
			bell(sh);
		}
		delete_range(sh, sh->cur > 0 ? sh->cur - 1u : 0, sh->cur);
		break;
	case CTRL('D'):
		if (sh->len == 0) {
			sh->eof = true;
		}
		delete_range(sh, sh->cur, sh->cur + 1u);
		break;
	case CTRL('K'):
		delete_range(sh, sh->cur, sh->len);
		break;
	case CTRL('U'):
		delete_range(sh, 0, sh->cur);
		break;
	case CTRL('W'):
		delete_range(sh, word_start(sh), sh->cur);
		break;
	case CTRL('C'):
		shell_write(sh, "^C\n", 3);
		reset_line(sh);
		shell_start(sh);
		break;
	case CTRL('L'):
		shell_write(sh, "\x1b[2J\x1b[H", 7);
		redraw_all(sh);
		break;
	case CTRL('P'):
		hist_move(sh, 1);
		break;
	case CTRL('N'):
		hist_move(sh, -1);
		break;
	case '\t':
		complete(sh);
		break;
	case KEY_ESC:
		sh->esc = ESC_START;
		break;
	default:
		break; /* other control bytes are ignored */
	}
}

static void input_byte(struct shell *sh, uint8_t c)
{
	bool after_cr = sh->last_cr;

	if (c == 0) {
		return; /* telnet sends CR NUL; NUL never means anything here */
	}
	sh->last_cr = false;
	if (sh->esc != ESC_NONE) {
		if (c == KEY_ESC) {
			sh->esc = ESC_START; /* a new sequence restarts the parser */
			return;
		}
		if (escape_byte(sh, c)) {
			return;
		}
	}
	if (c == '\r') {
		sh->last_cr = true;
		enter(sh);
	} else if (c == '\n') {
		if (!after_cr) {
			enter(sh); /* a lone LF (pipes) is Enter; CR LF is one Enter */
		}
	} else if (c >= 0x20 && c < 0x7f) {
		char ch = (char)c;
		insert_bytes(sh, &ch, 1);
	} else if (c < 0x20 || c == KEY_DEL) {
		control_key(sh, c);
	}
	/* Bytes >= 0x80 are ignored: the editor counts one column per byte. */
}

void shell_input(struct shell *sh, const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		input_byte(sh, bytes[i]);
	}
}
