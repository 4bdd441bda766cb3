// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The federation protocol version this build speaks.
 */
#include "protocol/version.h"

const char *
protocol_version(void)
{
	return "baladiya-federation/1";
}
