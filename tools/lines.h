/* lines.h - batch input read line by line (lines.c). */
#ifndef SIPRESOLVE_LINES_H
#define SIPRESOLVE_LINES_H

#include <stddef.h>

/* Lines from a descriptor through one buffer that grows only with the
 * longest line. */
struct line_reader {
	int fd;
	const char *name;   /* for messages */
	char *buf;
	size_t cap;         /* bytes allocated; one is kept for a final NUL */
	size_t start, end;  /* unconsumed bytes: buf[start..end) */
	int eof;            /* read() returned 0, or failed */
	int discard;        /* dropping the rest of a line that was cut */
	char *escaped;      /* a line with its NUL bytes written \000 */
	size_t lineno;      /* lines returned so far: the last one's number */
};

/* Read once into the buffer.  0, or -1 with errno (the reader is then at
 * eof). */
int reader_fill(struct line_reader *r);
/* The next whole line (NUL-terminated in place, valid until the next
 * reader_fill()), counted in r->lineno; NULL when more must be read. */
char *reader_line(struct line_reader *r, size_t *len);
/* The line stripped of blanks and a trailing CR, NUL bytes written "\000";
 * NULL for a line to skip (blank, or a '#' comment). */
char *batch_clean_line(struct line_reader *r, char *line, size_t len);
/* Inputs in a regular batch file, for the progress line: 0 when it cannot
 * be counted. */
int count_batch_lines(const char *path, size_t *count);

#endif
