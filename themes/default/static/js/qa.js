/* xaweb Q&A forms: progressive enhancement only.
   Without this file the question and rating forms post to the endpoint as
   plain HTML forms, and the endpoint answers with its own pages. With it:
   the signed token is fetched once the visitor starts on the form, fields are checked inline (errors tied
   to their fields with aria-describedby, a summary that takes focus), the
   form is sent as JSON without a page reload, and the status lookup and the
   thank-you page show their answers in place. */
(function () {
  "use strict";
  if (!window.fetch || !window.JSON || !document.querySelector) return;

  function show(el, message) {
    el.textContent = message || "";
    el.hidden = !message;
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" }).then(function (r) {
      return r.json().then(function (data) { return { status: r.status, data: data }; });
    });
  }

  // The signed token, fetched when the visitor starts on the form (not on every page view).
  // The endpoint refuses a form sent faster than `min_seconds` after it: `tokenWait` says how long is left.
  var tokenTimes = {};

  function fetchToken(form) {
    var api = form.getAttribute("data-qa-api");
    return getJSON(api + "/token").then(function (r) {
      if (r.data && r.data.token) {
        form.elements.token.value = r.data.token;
        tokenTimes[form.action] = { at: Date.now(), min: 1000 * (r.data.min_seconds || 0) };
      }
    }).catch(function () { /* the endpoint's check-and-send page still works */ });
  }

  function tokenWait(form) {
    var t = tokenTimes[form.action];
    var left = t ? t.min + 250 - (Date.now() - t.at) : 0;
    return new Promise(function (resolve) { setTimeout(resolve, Math.max(0, left)); });
  }

  // Field name -> the id used in the page ("name" -> "qa-name" or "rating-name").
  function fieldId(form, name) {
    var prefix = form.getAttribute("data-qa-form") === "rating" ? "rating-" : "qa-";
    return prefix + name.replace("_", "-");
  }

  function setFieldError(form, name, message) {
    var id = fieldId(form, name);
    var box = document.getElementById(id + "-error");
    var target = document.getElementById(id);
    if (!box || !target) return false;
    show(box, message);
    if (message) target.setAttribute("aria-invalid", "true");
    else target.removeAttribute("aria-invalid");
    return true;
  }

  function showSummary(form, intro, errors) {
    var summary = form.querySelector(".qa-summary");
    summary.textContent = "";
    var p = document.createElement("p");
    p.textContent = intro;
    summary.appendChild(p);
    if (errors.length) {
      var list = document.createElement("ul");
      errors.forEach(function (e) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = "#" + fieldId(form, e.name);
        a.textContent = e.message;
        li.appendChild(a);
        list.appendChild(li);
      });
      summary.appendChild(list);
    }
    summary.hidden = false;
    summary.focus();
  }

  function clearErrors(form) {
    var boxes = form.querySelectorAll("[data-error-for]");
    for (var i = 0; i < boxes.length; i++) {
      var name = boxes[i].getAttribute("data-error-for").replace(/^(qa|rating)-/, "").replace("-", "_");
      setFieldError(form, name, "");
    }
    form.querySelector(".qa-summary").hidden = true;
  }

  // The same checks as the endpoint's, for an answer before sending.
  function check(form) {
    var errors = [];
    var inputs = form.querySelectorAll("[required]");
    var seen = {};
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (seen[el.name]) continue;
      seen[el.name] = true;
      var empty = el.type === "checkbox" ? !el.checked
        : el.type === "radio" ? !form.querySelector("input[name='" + el.name + "']:checked")
        : !el.value.trim();
      var message = "";
      if (empty) message = el.getAttribute("data-msg-required");
      else if (el.minLength > 0 && el.value.trim().length < el.minLength) message = el.getAttribute("data-msg-minlength");
      if (message) {
        errors.push({ name: el.name, message: message });
        setFieldError(form, el.name, message);
      }
    }
    return errors;
  }

  function payload(form) {
    var data = {};
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (!el.name || el.disabled) continue;
      if (el.type === "checkbox") data[el.name] = el.checked;
      else if (el.type === "radio") { if (el.checked) data[el.name] = el.value; }
      else data[el.name] = el.value;
    }
    return JSON.stringify(data);
  }

  // "Đã tiếp nhận… Mã theo dõi của bạn là {code}; …": the code set apart in large type, with a copy button.
  function showCode(result, message, code, form) {
    var parts = message.split("{code}");
    result.textContent = parts[0];
    var strong = document.createElement("strong");
    strong.className = "qa-code";
    strong.textContent = code;
    result.appendChild(strong);
    result.appendChild(document.createTextNode(parts.slice(1).join(code)));
    if (navigator.clipboard && form.getAttribute("data-msg-copy")) {
      var holder = document.createElement("span");
      holder.setAttribute("data-copy", "");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "qa-copy";
      button.setAttribute("data-copy-text", code);
      button.setAttribute("data-done", form.getAttribute("data-msg-copied"));
      button.textContent = form.getAttribute("data-msg-copy");
      var status = document.createElement("span");
      status.className = "copy-status";
      status.setAttribute("role", "status");
      holder.appendChild(button);
      holder.appendChild(document.createTextNode(" "));
      holder.appendChild(status);
      result.appendChild(document.createTextNode(" "));
      result.appendChild(holder);
    }
  }

  function enhance(form) {
    var result = form.parentNode.querySelector(".qa-result");
    var button = form.querySelector("button[type=submit]");
    var label = button.textContent;
    form.addEventListener("focusin", function () {
      if (!form.elements.token.value && !form._fetching) form._fetching = fetchToken(form);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      var errors = check(form);
      if (errors.length) return showSummary(form, form.getAttribute("data-msg-error"), errors);
      button.disabled = true;
      button.textContent = form.getAttribute("data-msg-sending");
      var ready = form.elements.token.value ? Promise.resolve() : (form._fetching || fetchToken(form));
      ready.then(function () { return tokenWait(form); }).then(function () {
        return fetch(form.action, {
          method: "POST", credentials: "omit", body: payload(form),
          headers: { "Content-Type": "application/json", Accept: "application/json" }
        });
      }).then(function (r) {
        return r.json().then(function (data) { return { status: r.status, data: data }; });
      }).then(function (r) {
        if (r.status === 201) {
          form.hidden = true;
          showCode(result, form.getAttribute("data-msg-sent"), r.data.code || "", form);
          result.focus();
          return;
        }
        var err = (r.data && r.data.error) || {};
        var list = [];
        Object.keys(err.fields || {}).forEach(function (name) {
          if (setFieldError(form, name, err.fields[name])) list.push({ name: name, message: err.fields[name] });
        });
        showSummary(form, err.message || form.getAttribute("data-msg-network"), list);
        // A used, stale or refused token: take a fresh one for the next try.
        if (["bad_token", "too_old", "replayed"].indexOf(err.code) >= 0) {
          form.elements.token.value = "";
          form._fetching = fetchToken(form);
        }
      }).catch(function () {
        showSummary(form, form.getAttribute("data-msg-network"), []);
      }).then(function () {
        button.disabled = false;
        button.textContent = label;
      });
    });
  }

  function enhanceStatus(form) {
    var result = form.querySelector(".qa-status-result");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var code = form.elements.ma.value.trim();
      if (!code) return form.elements.ma.focus();
      getJSON(form.action + "?ma=" + encodeURIComponent(code)).then(function (r) {
        var d = r.data || {};
        result.textContent = r.status === 200
          ? d.code + ": " + d.status_text + (d.answered_text ? " (" + d.answered_text + ")" : "")
          : ((d.error && d.error.message) || "");
        if (r.status === 200 && d.url) {  // the published answer, from the endpoint's own JSON: a link, never markup
          var link = document.createElement("a");
          link.href = d.url;
          link.textContent = " Đọc câu trả lời";
          result.appendChild(link);
        }
      }).catch(function () {
        form.submit();  // the endpoint's own page answers instead
      });
    });
  }

  var forms = document.querySelectorAll("form[data-qa-form]");
  for (var i = 0; i < forms.length; i++) enhance(forms[i]);
  var lookups = document.querySelectorAll("form[data-qa-status]");
  for (var j = 0; j < lookups.length; j++) enhanceStatus(lookups[j]);

  // The thank-you page: the endpoint put the tracking code in the address.
  var holder = document.querySelector("[data-qa-code]");
  var match = /[?&]ma=([A-Za-z0-9-]{12,16})(?:&|$)/.exec(window.location.search);
  if (holder && match) {
    holder.querySelector(".qa-code").textContent = match[1];
    holder.querySelector("[data-copy-text]").setAttribute("data-copy-text", match[1]);
    holder.hidden = false;
    var input = document.getElementById("qa-code");
    if (input) input.value = match[1];
  }
})();
