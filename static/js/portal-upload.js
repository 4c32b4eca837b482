/* Sends a recorded or chosen video with the tus protocol: a progress bar, and automatic resume
   after a dropped connection (tus-js-client retries, and remembers the upload across reloads).
   Its messages come translated from the form's data-text-* attributes; the server's refusals
   arrive in the reader's language. */
(function () {
  "use strict";
  var form = document.querySelector("[data-tus-upload]");
  if (!form || !window.tus) {
    return;
  }
  var input = form.querySelector("input[type=file]");
  var bar = form.querySelector(".progress-bar");
  var status = form.querySelector("[data-upload-status]");
  var button = form.querySelector("button[type=submit]");

  function showProgress(percent) {
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    bar.parentElement.setAttribute("aria-valuenow", String(percent));
  }

  function explain(error) {
    var response = error && error.originalResponse;
    var body = response && response.getBody();
    if (body) {
      return body;
    }
    return form.dataset.textInterrupted;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = input.files && input.files[0];
    if (!file) {
      status.textContent = form.dataset.textNoFile;
      return;
    }
    button.disabled = true;
    status.textContent = form.dataset.textSending;
    var upload = new window.tus.Upload(file, {
      endpoint: form.dataset.endpoint,
      chunkSize: 5 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
      removeFingerprintOnSuccess: true,
      metadata: { episode: form.dataset.episode, filename: file.name, filetype: file.type },
      headers: { "X-CSRFToken": form.dataset.csrfToken },
      onProgress: function (sent, total) {
        showProgress(total ? Math.floor((sent / total) * 100) : 0);
      },
      onError: function (error) {
        status.textContent = explain(error);
        button.disabled = false;
      },
      onSuccess: function () {
        showProgress(100);
        status.textContent = form.dataset.textSent;
        window.location.reload();
      },
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) {
        upload.resumeFromPreviousUpload(previous[0]);
      }
      upload.start();
    });
  });
})();
