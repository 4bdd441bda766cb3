// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef INBOX_INBOX_H
#define INBOX_INBOX_H

/*
 * The agents' inbox on the official platform: residents' reports mirrored from the citizen
 * platform, overdue marking, a map, and the form that sets the commune's status (reports'
 * report_set_status, signed and applied on the citizen side).
 */
extern const struct module inbox_module;

#endif
