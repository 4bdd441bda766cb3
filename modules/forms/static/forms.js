// SPDX-License-Identifier: AGPL-3.0-or-later
// Online forms: hide the fields whose condition ("shown if") is not met. Without this script
// every field shows with its condition in words, and the server applies the conditions alone.
(function () {
	'use strict';
	var fields = document.querySelectorAll('[data-show-field]');
	function update() {
		fields.forEach(function (el) {
			var ctl = document.getElementById(el.getAttribute('data-show-field'));
			var shown = ctl && !ctl.closest('[hidden]') && ctl.value === el.getAttribute('data-show-value');
			el.hidden = !shown;
			el.querySelectorAll('input, select, textarea').forEach(function (i) { i.disabled = !shown; });
			var note = el.querySelector('.form-condition');
			if (note) note.hidden = true;
		});
	}
	document.addEventListener('change', update);
	update();
	update(); // conditions on conditional fields settle in order
})();
