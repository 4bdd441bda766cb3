// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_VERSION_H
#define PROTOCOL_VERSION_H

/* "baladiya-federation/1": the protocol name and major version, as announced to peers. */
const char *protocol_version(void);

#endif
