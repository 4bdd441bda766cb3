// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROPOSALS_PROPOSALS_H
#define PROPOSALS_PROPOSALS_H

/*
 * Residents' proposals (docs/modules.md, "The proposals module"): written, supported and argued
 * on the citizen platform, which forwards a proposal to the commune when its supports cross the
 * commune's threshold in time; the commune's stages (examined, on the agenda, adopted or
 * refused with a reasoned answer) are signed by the official platform. Both platforms show the
 * same stage, due date and countdown, computed from the same signed events.
 */
#include "common/config.h"

#include <stdbool.h>

extern const struct module proposals_module;

/* The commune's rules (environment variables, read at start with the base's). */
struct proposal_settings {
	long threshold;    /* supports that oblige the commune to answer */
	long support_days; /* days after publication to gather them */
	long answer_days;  /* days after forwarding for the commune's reasoned answer */
	bool premoderate;  /* proposals wait for a moderator before they are public */
};
#define PROPOSAL_NSETTINGS 4
extern struct proposal_settings proposal_settings;
extern const struct config_def proposal_settings_defs[PROPOSAL_NSETTINGS];

#define PROPOSAL_OWNER "citizen"     /* proposals, supports, arguments, moderation */
#define PROPOSAL_ANSWERER "official" /* the commune's stages and answer */

#endif
