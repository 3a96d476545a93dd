/* The key table: every action has a plain key (F-keys and navigation
 * keys are only aliases), no key means two things in one place, pane keys
 * go to existing panes, and the help screen lists every key. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ui/help.h"
#include "ui/keys.h"

/* Keys that terminals and SSM deliver as one plain byte. */
static int
key_is_plain(int key)
{
	return (key >= 0x20 && key < 0x7f) || key == UIK_TAB || key == UIK_ENTER ||
	    key == UIK_ESC || key == UIK_CTRL_L;
}

static void
test_keys_every_action_has_a_plain_key(void **state)
{
	(void)state;
	for (const struct key_entry *e = key_table; e->action != UA_NONE; e++) {
		int plain = 0;

		for (size_t b = 0; b < KEY_MAX_BINDS && e->keys[b].name != NULL; b++)
			plain |= key_is_plain(e->keys[b].key);
		if (!plain)
			fail_msg("'%s' has no plain key", e->help);
	}
}

static void
test_keys_no_conflicts(void **state)
{
	(void)state;
	for (const struct key_entry *e = key_table; e->action != UA_NONE; e++) {
		for (size_t b = 0; b < KEY_MAX_BINDS && e->keys[b].name != NULL; b++) {
			const struct key_bind *k = &e->keys[b];

			for (int key = k->key; key <= (k->key_hi != 0 ? k->key_hi : k->key); key++) {
				/* The key finds this entry where the entry applies. */
				const struct key_entry *found = key_lookup(key, e->scope, NULL);

				if (found != e)
					fail_msg("key %s ('%s') is taken by '%s'", k->name, e->help,
					    found != NULL ? found->help : "nothing");
			}
		}
	}
}

static void
test_keys_scopes_are_panes(void **state)
{
	(void)state;
	for (const struct key_entry *e = key_table; e->action != UA_NONE; e++) {
		int known = e->scope == NULL;

		for (size_t i = 0; pane_table[i] != NULL; i++)
			known |= e->scope != NULL && strcmp(e->scope, pane_table[i]->name) == 0;
		if (!known)
			fail_msg("'%s' is scoped to an unknown pane '%s'", e->help, e->scope);
		if (e->scope != NULL)
			assert_int_equal(e->action, UA_PANE);
	}
	/* The essentials from the issue, by their plain keys. */
	assert_int_equal(key_lookup('q', NULL, NULL)->action, UA_QUIT);
	assert_int_equal(key_lookup('?', NULL, NULL)->action, UA_HELP);
	assert_int_equal(key_lookup(UIK_TAB, NULL, NULL)->action, UA_NEXT_PANE);
	assert_int_equal(key_lookup(UIK_BTAB, NULL, NULL)->action, UA_PREV_PANE);
	assert_int_equal(key_lookup('7', NULL, NULL)->action, UA_GOTO_PANE);
	assert_int_equal(key_lookup(' ', NULL, NULL)->action, UA_PAUSE);
	assert_int_equal(key_lookup('R', NULL, NULL)->action, UA_REFRESH);
	assert_int_equal(key_lookup('i', NULL, NULL)->action, UA_INSTANCE);
	assert_int_equal(key_lookup('+', NULL, NULL)->action, UA_SLOWER);
	assert_int_equal(key_lookup('-', NULL, NULL)->action, UA_FASTER);
	assert_int_equal(key_lookup('/', NULL, NULL)->pane_action, PA_FILTER);
	assert_int_equal(key_lookup('<', NULL, NULL)->pane_action, PA_SORT_PREV);
	assert_int_equal(key_lookup('>', NULL, NULL)->pane_action, PA_SORT_NEXT);
	assert_int_equal(key_lookup('r', NULL, NULL)->pane_action, PA_REVERSE);
	assert_int_equal(key_lookup(UIK_ENTER, NULL, NULL)->pane_action, PA_OPEN);
	assert_int_equal(key_lookup(UIK_ESC, NULL, NULL)->pane_action, PA_CLOSE);
	assert_int_equal(key_lookup('a', "alerts", NULL)->pane_action, PA_ACK);
	assert_int_equal(key_lookup('s', "alerts", NULL)->pane_action, PA_SNOOZE);
	assert_int_equal(key_lookup('a', "sessions", NULL)->pane_action, PA_SHOW_ALL);
	assert_null(key_lookup('a', "overview", NULL));
	assert_int_equal(key_lookup(UIK_F(10), NULL, NULL)->action, UA_QUIT);
}

static void
test_keys_help_lists_every_key(void **state)
{
	char names[64];

	(void)state;
	for (const struct key_entry *e = key_table; e->action != UA_NONE; e++) {
		const struct pane_ops *where = pane_table[0];
		struct detail d;
		int found = 0;

		for (size_t i = 0; e->scope != NULL && pane_table[i] != NULL; i++) {
			if (strcmp(e->scope, pane_table[i]->name) == 0)
				where = pane_table[i];
		}
		detail_init(&d);
		help_build(&d, where);
		key_names(e, names, sizeof names);
		for (size_t i = 0; i < d.n; i++)
			found |= d.v[i].label != NULL && strcmp(d.v[i].label, names) == 0 &&
			    strcmp(d.v[i].value, e->help) == 0;
		if (!found)
			fail_msg("the help of %s lacks '%s'", where->name, names);
		detail_free(&d);
	}
	/* The words a user looks for. */
	{
		struct detail d;
		int quit = 0;

		detail_init(&d);
		help_build(&d, pane_table[0]);
		for (size_t i = 0; i < d.n; i++)
			quit |= d.v[i].label != NULL && strncmp(d.v[i].label, "q", 1) == 0 &&
			    strstr(d.v[i].value, "quit") != NULL;
		assert_true(quit);
		detail_free(&d);
	}
	assert_string_equal(key_describe('x', names, sizeof names), "x");
	assert_string_equal(key_describe(UIK_F(7), names, sizeof names), "F7");
	assert_string_equal(key_describe(UIK_PGDN, names, sizeof names), "PgDn");
	assert_string_equal(key_describe(0x01, names, sizeof names), "Ctrl-A");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_every_action_has_a_plain_key),
		cmocka_unit_test(test_keys_no_conflicts),
		cmocka_unit_test(test_keys_scopes_are_panes),
		cmocka_unit_test(test_keys_help_lists_every_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
