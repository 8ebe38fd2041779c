/*
 * The enquiry form on a letting's page: when the visitor starts to fill it, ask the server for a
 * signed "form opened at" time and put it in the form. The page is the same for every visitor (it
 * is cached), so it cannot carry one itself. Without this script the server shows the form again on
 * a page of its own, to check and send, which carries the time instead.
 */
(function () {
    "use strict";

    var form = document.querySelector("form.enquiry");
    if (!form || typeof window.fetch !== "function") {
        return;
    }
    var started = form.querySelector("input[name=started]");
    var asked = false;
    form.addEventListener("focusin", function () {
        if (asked || started.value) {
            return;
        }
        asked = true;
        window.fetch(form.dataset.startUrl, {credentials: "same-origin", cache: "no-store"})
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (data) {
                if (data && data.started) {
                    started.value = data.started;
                }
            })
            .catch(function () { asked = false; });
    });
}());
