/*
 * The letting page's photo viewer: each gallery link opens its photo large in a modal <dialog>.
 *
 * Without this script (or in a browser without <dialog>) each link simply opens the large photo.
 * The dialog is native, so the browser keeps the focus inside it, closes it with Escape and tells
 * screen readers it is modal; this script adds Previous/Next (buttons and the arrow keys), a title
 * that says which photo is shown, and returns the focus to the photo's link when the dialog closes.
 * It is a file of the site's own (the Content-Security-Policy allows no inline or foreign script).
 */
(function () {
    "use strict";

    var dialog = document.querySelector(".lightbox");
    var links = Array.prototype.slice.call(document.querySelectorAll(".gallery__open"));
    if (!dialog || links.length === 0 || typeof dialog.showModal !== "function") {
        return;
    }
    var image = dialog.querySelector(".lightbox__image");
    var title = dialog.querySelector(".lightbox__title");
    var caption = dialog.querySelector(".lightbox__caption");
    var current = 0;
    var opener = null;

    function show(index) {
        current = (index + links.length) % links.length;
        var link = links[current];
        image.src = link.href;
        image.alt = link.dataset.alt || "";
        caption.textContent = link.dataset.caption || "";
        caption.hidden = !link.dataset.caption;
        title.textContent = "Photo " + (current + 1) + " of " + links.length + ": " + (link.dataset.alt || "");
    }

    links.forEach(function (link, index) {
        link.addEventListener("click", function (event) {
            if (event.ctrlKey || event.metaKey || event.shiftKey) {
                return; // a new tab or window: leave it to the browser
            }
            event.preventDefault();
            opener = link;
            show(index);
            dialog.showModal();
            dialog.querySelector(".lightbox__close").focus();
        });
    });

    function button(name, action) {
        var element = dialog.querySelector(name);
        if (element) {
            element.addEventListener("click", action);
        }
    }

    button(".lightbox__close", function () { dialog.close(); });
    button(".lightbox__previous", function () { show(current - 1); });
    button(".lightbox__next", function () { show(current + 1); });

    dialog.addEventListener("keydown", function (event) {
        if (links.length > 1 && event.key === "ArrowLeft") {
            show(current - 1);
        } else if (links.length > 1 && event.key === "ArrowRight") {
            show(current + 1);
        }
    });
    // A click on the backdrop (outside the dialog's box) closes it, as on most photo viewers; the
    // dialog's own padding is the dialog element too, so the click's position tells them apart.
    dialog.addEventListener("click", function (event) {
        var box = dialog.getBoundingClientRect();
        var outside = event.clientX < box.left || event.clientX > box.right ||
            event.clientY < box.top || event.clientY > box.bottom;
        if (event.target === dialog && outside) {
            dialog.close();
        }
    });
    dialog.addEventListener("close", function () {
        image.removeAttribute("src");
        if (opener) {
            opener.focus();
        }
    });
}());
