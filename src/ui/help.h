/* The `?` help screen, generated from the key table: the keys that work
 * everywhere, the current pane's own keys, and the pane's notes. */
#ifndef RW_UI_HELP_H
#define RW_UI_HELP_H

#include "panes/detail.h"
#include "panes/pane.h"

/* Fills D with the help for pane CUR. */
void help_build(struct detail *d, const struct pane_ops *cur);

#endif
