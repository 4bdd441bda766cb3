// SPDX-License-Identifier: AGPL-3.0-or-later
int main(void);
int
main(void)
{
	return 0;
}
