/* libFuzzer target: whatever a remote string holds (the canvas's input is
 * sanitized already, but the canvas must not rely on it), what reaches a
 * backend is printable, valid UTF-8 - ASCII on an ASCII canvas - and
 * stays within the width asked for; wrapping always makes progress. */
#include <config.h>

#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "view/canvas.h"
#include "view/textcanvas.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setlocale(LC_ALL, "C.UTF-8");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct text_canvas *t;
	struct canvas_area a;
	char *text, *all;
	int ascii, width, style;
	size_t at = 0;

	if (size < 2)
		return 0;
	ascii = data[0] & 1;
	style = (data[0] >> 1) & 0x7;	/* pad, right, clip */
	width = data[1] % 82 - 1;	/* -1 .. 80 */
	text = xstrndup((const char *)data + 2, size - 2);
	t = text_canvas_new(3, 80, ascii);
	a = canvas_whole(text_canvas_base(t));
	if (canvas_put(&a, 0, 0, width, CANVAS_WARNING | (style << 9), text) > (width < 0 ? 80 : width))
		abort();
	canvas_put(&a, 1, 79, -1, 0, text);
	/* Wrap the text as the detail view does, one row after another. */
	while (text[at] != '\0') {
		size_t n = canvas_fit(text_canvas_base(t), text + at, width < 1 ? 1 : width);

		if (n == 0)
			abort();
		at += n;
	}
	all = text_canvas_text(t);
	for (const unsigned char *p = (const unsigned char *)all; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f || (ascii && *p >= 0x80))
			abort();
	}
	/* Line by line, the grid is clean text. */
	for (int r = 0; r < 3; r++) {
		char *line = text_canvas_line(t, r);

		if (!sanitize_is_clean(line))
			abort();
		free(line);
	}
	free(all);
	text_canvas_free(t);
	free(text);
	return 0;
}
