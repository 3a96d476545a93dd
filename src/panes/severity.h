/* Severity words (alerts, checks, findings) and the roles they are drawn
 * in. The word is always shown: colour never carries meaning alone. */
#ifndef RW_PANES_SEVERITY_H
#define RW_PANES_SEVERITY_H

/* 3 critical/high, 2 warning/medium, 1 info/low, 0 unknown or none. */
int severity_rank(const char *severity);
/* The colour role for a rank. */
int severity_style(int rank);
/* "CRIT", "WARN", "INFO" or "-" for a rank. */
const char *severity_word(int rank);
/* GuardDuty's numeric severity as a rank (7+ high, 4+ medium, else low). */
int severity_rank_finding(double severity, const char *label);

#endif
