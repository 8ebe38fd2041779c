/*
 * The lettings listing's filter form: leave the empty fields out of the address when it is sent, so
 * a search reads "?state=GA&guests=4" rather than a list of every field. Without this script the
 * form sends every field, empty ones included, and the listing reads it the same way.
 */
(function () {
    "use strict";

    var form = document.querySelector("form.filters");
    if (!form) {
        return;
    }
    form.addEventListener("submit", function () {
        Array.prototype.forEach.call(form.elements, function (field) {
            if (field.name && field.type !== "checkbox" && field.value === "") {
                field.disabled = true; // a disabled field is not sent
            }
        });
    });
    // Back to this page from the next one (the browser's page cache keeps it as it was): enable them again.
    window.addEventListener("pageshow", function () {
        Array.prototype.forEach.call(form.elements, function (field) {
            field.disabled = false;
        });
    });
}());
