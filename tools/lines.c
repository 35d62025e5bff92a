/* lines.c - batch input: lines from a descriptor through one buffer, each
 * cleaned (blanks, CR, comments, NUL bytes), and the inputs of a file
 * counted for the progress line. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lines.h"

/* The longest batch line passed on whole (the library refuses a URI longer
 * than RSIP_INPUT_MAX anyway). */
#define BATCH_LINE_MAX 65536

#define READ_CHUNK 65536

/* Read once into the buffer.  0, or -1 with errno (the reader is then at
 * eof). */
int reader_fill(struct line_reader *r)
{
	ssize_t n;

	if (r->start == r->end)
		r->start = r->end = 0;
	if (r->cap - r->end < READ_CHUNK / 4 + 1 && r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < READ_CHUNK / 4 + 1) {
		size_t cap = r->cap ? r->cap * 2 : READ_CHUNK;
		char *buf = realloc(r->buf, cap);

		if (buf == NULL) {
			r->eof = 1;
			errno = ENOMEM;
			return -1;
		}
		r->buf = buf;
		r->cap = cap;
	}
	do
		n = read(r->fd, r->buf + r->end, r->cap - 1 - r->end);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		r->eof = 1;
		return -1;
	}
	if (n == 0)
		r->eof = 1;
	r->end += (size_t)n;
	return 0;
}

/* The next whole line in the buffer, NUL-terminated in place (valid until
 * the next reader_fill()), its length in *len, or NULL when more must be
 * read.  At eof, an unterminated last line counts.  A line of BATCH_LINE_MAX
 * bytes or more is cut there (the rest, up to its newline, is dropped): the
 * library refuses it as too long, so that it still gets its bad-input result
 * and memory stays bounded. */
static char *reader_next(struct line_reader *r, size_t *len)
{
	char *line, *nl;
	size_t avail;

	for (;;) {
		if (r->start == r->end)
			return NULL;
		line = r->buf + r->start;
		avail = r->end - r->start;
		nl = memchr(line, '\n', avail);
		if (!r->discard)
			break;
		/* The rest of a line that was cut. */
		if (nl == NULL) {
			r->start = r->end;
			return NULL;
		}
		r->start = (size_t)(nl - r->buf) + 1;
		r->discard = 0;
	}
	if (nl != NULL && (size_t)(nl - line) < BATCH_LINE_MAX) {
		*nl = '\0';
		*len = (size_t)(nl - line);
		r->start = (size_t)(nl - r->buf) + 1;
		return line;
	}
	if (avail >= BATCH_LINE_MAX) {
		line[BATCH_LINE_MAX] = '\0'; /* a byte of the line, or buf[end] */
		*len = BATCH_LINE_MAX;
		if (nl != NULL && (size_t)(nl - line) == BATCH_LINE_MAX) {
			r->start = (size_t)(nl - r->buf) + 1;
		} else {
			r->start += BATCH_LINE_MAX + (avail > BATCH_LINE_MAX);
			r->discard = 1;
		}
		return line;
	}
	if (!r->eof)
		return NULL;
	r->buf[r->end] = '\0'; /* cap > end always: one byte is kept */
	*len = avail;
	r->start = r->end;
	return line;
}

/* reader_next(), counting the lines for messages (a cut line counts once). */
char *reader_line(struct line_reader *r, size_t *len)
{
	char *line = reader_next(r, len);

	if (line != NULL)
		r->lineno++;
	return line;
}

/* Strip a trailing CR and surrounding blanks of the line of len bytes; NULL
 * for a line to skip (blank, or a '#' comment).  A NUL byte in the line is
 * written "\000" (into r->escaped), so that the URI is not silently cut at
 * it: no URI grammar allows a backslash, and the result names the line. */
char *batch_clean_line(struct line_reader *r, char *line, size_t len)
{
	char *end = line + len, *out;
	size_t nuls = 0;

	while (end > line && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	while (line < end && (*line == ' ' || *line == '\t'))
		line++;
	if (line == end || *line == '#')
		return NULL;
	for (char *p = line; p < end; p++)
		nuls += *p == '\0';
	if (nuls == 0)
		return line;
	out = realloc(r->escaped, (size_t)(end - line) + 3 * nuls + 1);
	if (out == NULL)
		return line; /* cut at the NUL: still a result for the line */
	r->escaped = out;
	for (char *p = line; p < end; p++) {
		if (*p == '\0') {
			memcpy(out, "\\000", 4);
			out += 4;
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
	return r->escaped;
}

/* Inputs in a batch file, counted the way batch_clean_line() skips lines
 * (blank, or '#' first), for the progress line's total.  Only for a regular
 * file; one pass with one buffer.  0 when it cannot be counted. */
int count_batch_lines(const char *path, size_t *count)
{
	char buf[READ_CHUNK];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int at_start = 1, counted = 0;
	size_t n = 0;
	ssize_t got;

	if (fd < 0)
		return 0;
	for (;;) {
		ssize_t i;

		do
			got = read(fd, buf, sizeof(buf));
		while (got < 0 && errno == EINTR);
		if (got <= 0)
			break;
		for (i = 0; i < got; i++) {
			char c = buf[i];

			if (c == '\n') {
				at_start = 1;
				counted = 0;
			} else if (at_start && !counted && c != ' ' && c != '\t' && c != '\r') {
				if (c != '#')
					n++;
				counted = 1;
			}
		}
	}
	close(fd);
	if (got < 0)
		return 0;
	*count = n;
	return 1;
}
