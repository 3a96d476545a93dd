/* The feeds' wake-up: an eventfd that worker threads signal and the
 * dashboard's poll(2) loop waits on and drains. */
#ifndef RW_UI_WAKEFD_H
#define RW_UI_WAKEFD_H

/* A non-blocking, close-on-exec eventfd, or -1 with *WHY set. */
int wakefd_open(char **why);
/* Wakes the reader; safe on any thread. */
void wakefd_signal(int fd);
/* Reads every pending wake-up (after poll(2) said there is one). */
void wakefd_drain(int fd);

#endif
