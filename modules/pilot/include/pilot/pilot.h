// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PILOT_PILOT_H
#define PILOT_PILOT_H

/*
 * The pilot (config/pilot.json, a theme may override it): /pilot on both platforms (timeline,
 * committee, where it stands), the anonymous questionnaire on the citizen platform (one answer
 * per verified participant), and /pilot/assessment: the period's figures from both logs' data,
 * whose canonical digest each platform signs with a pilot.assessment_signed event.
 */
extern const struct module pilot_module;

#endif
