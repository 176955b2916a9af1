// The web chat page's transport: a Direct Line-like object for Bot Framework Web Chat
// (activity$, connectionStatus$, postActivity, end) over our own endpoints:
//   POST /api/webchat/messages  one customer message (text or a pressed button), answers with
//                               the bot's replies;
//   GET  /api/webchat/events    Server-Sent Events: every message of this session; on opening the
//                               page the conversation so far (the customer's messages too), then
//                               all this browser has not seen (staff replies, surveys, replies
//                               that a lost response never delivered).
// Plain ES2020, no build step; served under a CSP that allows only same-origin scripts.
(function () {
  'use strict';

  var ID_PATTERN = /^[A-Za-z0-9_-]{20,64}$/;
  var CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
  var ConnectionStatus = { Uninitialized: 0, Connecting: 1, Online: 2, Ended: 5 };
  var root = document.getElementById('webchat');
  var bankName = (root && root.getAttribute('data-bank-name')) || 'Bank';

  function randomId(bytes) {
    var a = new Uint8Array(bytes);
    crypto.getRandomValues(a);
    var s = '';
    for (var i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
    return window.btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // localStorage may be unavailable (private mode, disabled storage): fall back to memory, so
  // the chat still works for this visit.
  var memory = {};
  function load(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null;
    }
  }
  function store(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch {
      memory[key] = value;
    }
  }

  var SESSION_KEY = 'complaintDesk.webchat.session';
  var sessionId = load(SESSION_KEY);
  if (!sessionId || !ID_PATTERN.test(sessionId)) {
    sessionId = randomId(24);
    store(SESSION_KEY, sessionId);
  }
  var CURSOR_KEY = 'complaintDesk.webchat.cursor.' + sessionId;

  // Timestamps from one increasing clock: Web Chat orders by timestamp, and the server's clock
  // and this one may disagree, so activities are stamped here in the order they arrive.
  var lastStamp = 0;
  function stamp() {
    lastStamp = Math.max(Date.now(), lastStamp + 1);
    return new Date(lastStamp).toISOString();
  }

  /** A tiny Observable: what Web Chat calls is subscribe(observer) → { unsubscribe() }. */
  function Observable(subscribe) {
    this._subscribe = subscribe;
  }
  Observable.prototype.subscribe = function (observerOrNext, error, complete) {
    var observer =
      typeof observerOrNext === 'function' || !observerOrNext
        ? { next: observerOrNext, error: error, complete: complete }
        : observerOrNext;
    var closed = false;
    var safe = {
      next: function (v) {
        if (!closed && observer.next) observer.next(v);
      },
      error: function (e) {
        if (closed) return;
        closed = true;
        if (observer.error) observer.error(e);
      },
      complete: function () {
        if (closed) return;
        closed = true;
        if (observer.complete) observer.complete();
      },
    };
    var teardown = this._subscribe(safe);
    return {
      get closed() {
        return closed;
      },
      unsubscribe: function () {
        closed = true;
        if (typeof teardown === 'function') teardown();
      },
    };
  };

  /** Multicast; keeps what was emitted before the first subscriber so nothing is dropped. */
  function createSubject(replayCurrent, initial) {
    var observers = new Set();
    var buffer = [];
    var current = initial;
    return {
      observable: new Observable(function (observer) {
        observers.add(observer);
        if (replayCurrent) observer.next(current);
        else {
          var pending = buffer;
          buffer = [];
          pending.forEach(function (v) {
            observer.next(v);
          });
        }
        return function () {
          observers.delete(observer);
        };
      }),
      next: function (v) {
        current = v;
        if (!replayCurrent && observers.size === 0) buffer.push(v);
        observers.forEach(function (o) {
          o.next(v);
        });
      },
      complete: function () {
        observers.forEach(function (o) {
          o.complete();
        });
        observers.clear();
      },
      get value() {
        return current;
      },
    };
  }

  var activities = createSubject(false);
  var status = createSubject(true, ConnectionStatus.Uninitialized);
  var seen = new Set();
  // Ids of the messages this page sent: their stored copies come back on the stream.
  var sentHere = new Set();
  var storedCursor = load(CURSOR_KEY);
  var cursor = Number.parseInt(storedCursor || '0', 10) || 0;
  var events = null;
  var ended = false;
  // When a button of the bot's was pressed and its answer is still on the way (0: none).
  var buttonPressedAt = 0;
  var BUTTON_PRESS_HOLD_MS = 35000;

  function setStatus(s) {
    if (status.value !== s && !ended) status.next(s);
  }

  function botActivity(m) {
    var activity = {
      type: 'message',
      id: 'bot-' + m.seq,
      timestamp: stamp(),
      from: { id: 'complaint-desk', name: bankName, role: 'bot' },
      textFormat: 'plain',
      text: m.text,
      channelData: { seq: m.seq, serverTime: m.at },
    };
    if (m.buttons && m.buttons.length) {
      activity.suggestedActions = {
        to: [],
        actions: m.buttons.map(function (b) {
          return { type: 'messageBack', title: b.label, text: b.label, displayText: b.label, value: { action: b.value } };
        }),
      };
    }
    return activity;
  }

  /** A message the customer sent earlier (in this page before a reload, or in another tab). */
  function customerActivity(m) {
    return {
      type: 'message',
      id: 'user-' + m.clientMessageId,
      timestamp: stamp(),
      from: { id: sessionId, role: 'user' },
      textFormat: 'plain',
      text: m.text,
      channelData: { seq: m.seq, serverTime: m.at, complaintDeskMessageId: m.clientMessageId },
    };
  }

  /** Shows a message once, whichever path (response or stream) brings it first. */
  function deliver(m, fromStream) {
    if (fromStream && m.seq > cursor) {
      // Only the stream moves the stored cursor: it delivers in order, so nothing before the
      // cursor can still be missing when the page is reopened.
      cursor = m.seq;
      store(CURSOR_KEY, String(cursor));
    }
    if (seen.has(m.seq)) return;
    seen.add(m.seq);
    if (m.from !== 'customer') {
      followLanguage(m.text);
      activities.next(botActivity(m));
    }
    // This page shows what it sent already (its echo).
    else if (CLIENT_ID_PATTERN.test(m.clientMessageId || '') && !sentHere.has(m.clientMessageId)) activities.next(customerActivity(m));
  }

  function connect() {
    if (events || ended) return;
    setStatus(ConnectionStatus.Connecting);
    // `history=1`: the stream starts with the conversation so far (the server bounds it), or
    // earlier, from the stored cursor, when something sent while the page was closed is older.
    events = new EventSource(
      '/api/webchat/events?session=' +
        encodeURIComponent(sessionId) +
        '&history=1' +
        (storedCursor === null ? '' : '&since=' + encodeURIComponent(String(cursor))),
    );
    events.addEventListener('open', function () {
      setStatus(ConnectionStatus.Online);
    });
    events.addEventListener('message', function (e) {
      try {
        deliver(JSON.parse(e.data), true);
      } catch (err) {
        console.error('unreadable chat event', err);
      }
    });
    // EventSource reconnects by itself, sending Last-Event-ID; until then show "connecting".
    events.addEventListener('error', function () {
      if (!ended) setStatus(ConnectionStatus.Connecting);
    });
  }

  function sleep(ms) {
    return new Promise(function (resolve) {
      setTimeout(resolve, ms);
    });
  }

  /** Posts one message, retrying network failures and server errors with the same id. */
  async function send(body) {
    var delays = [500, 1500, 3000];
    for (var attempt = 0; ; attempt++) {
      var response;
      try {
        response = await fetch('/api/webchat/messages', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
          credentials: 'same-origin',
        });
      } catch {
        response = null;
      }
      if (response && response.ok) return response.json();
      var retryable = !response || response.status >= 500 || response.status === 429;
      if (!retryable || attempt >= delays.length) {
        var detail = response ? await response.json().catch(function () { return {}; }) : {};
        throw new Error((detail && detail.message) || 'send failed');
      }
      await sleep(delays[attempt]);
    }
  }

  var directLine = {
    activity$: activities.observable,
    connectionStatus$: new Observable(function (observer) {
      var sub = status.observable.subscribe(observer);
      // Web Chat subscribes here first and waits for Online: start the stream now.
      setTimeout(connect, 0);
      return function () {
        sub.unsubscribe();
      };
    }),
    postActivity: function (activity) {
      return new Observable(function (observer) {
        var channelData = activity.channelData || {};
        // The message's id for the server, which runs each id once. Web Chat's Retry posts the
        // failed activity again under a new clientActivityID, though the first attempt may well
        // have reached the server (only its answer lost): the id we gave it rides along in its
        // channelData, so a retry is answered with the first attempt's replies, never a second turn.
        var clientId = [channelData.complaintDeskMessageId, channelData.clientActivityID, randomId(12)].filter(function (c) {
          return CLIENT_ID_PATTERN.test(c || '');
        })[0];
        var id = 'user-' + clientId;
        if (activity.type !== 'message') {
          // Typing and other events are not sent to the bot.
          observer.next(id);
          observer.complete();
          return;
        }
        var value = activity.value;
        var action = value && typeof value.action === 'string' ? value.action : undefined;
        var body = { sessionId: sessionId, clientMessageId: clientId, locale: window.navigator.language || undefined };
        if (action) {
          body.action = action;
          // Shown again, as pressed, when the page is reopened.
          var label = String(activity.text || '').trim().slice(0, 200);
          if (label) body.label = label;
        } else body.text = activity.text || '';
        sentHere.add(clientId);

        // Echo first (with an id), as Direct Line does; Web Chat marks the message sent once
        // both the echo and postActivity's id have arrived, and "send failed" on an error. A
        // retry's echo has the failed one's id, so it takes that one's place instead of adding
        // the message a second time.
        activities.next(
          Object.assign({}, activity, {
            id: id,
            timestamp: stamp(),
            from: Object.assign({}, activity.from, { id: sessionId, role: 'user' }),
            channelData: Object.assign({}, channelData, { complaintDeskMessageId: clientId }),
          }),
        );
        activities.next({ type: 'typing', id: 'typing-' + clientId, timestamp: stamp(), from: { id: 'complaint-desk', name: bankName, role: 'bot' } });

        send(body).then(
          function (result) {
            if (action) buttonPressedAt = 0;
            observer.next(id);
            observer.complete();
            (result.replies || []).forEach(function (m) {
              deliver(m, false);
            });
          },
          function (err) {
            // "Send failed": the customer may press Retry, or another button.
            if (action) buttonPressedAt = 0;
            observer.error(err);
          },
        );
      });
    },
    end: function () {
      ended = true;
      if (events) events.close();
      events = null;
      status.next(ConnectionStatus.Ended);
      activities.complete();
    },
  };

  window.complaintDeskChat = { sessionId: sessionId };

  var locale = window.navigator.language || 'en-US';
  var renderedLocale = null;
  function render() {
    if (renderedLocale === locale) return;
    renderedLocale = locale;
    // Rendering again into the same element updates Web Chat in place (React), keeping the
    // transcript, the send box's text and the focus.
    window.WebChat.renderWebChat(
      {
        directLine: directLine,
        userID: sessionId,
        username: 'You',
        locale: locale,
        store: webChatStore,
        styleOptions: styleOptions,
      },
      root,
    );
  }

  // The page is bilingual until the bot has spoken; then it follows the bot's language, which
  // the customer's words or their "中文" / "English" chose. A screen reader reads the replies
  // with the voice of the page's `lang` (Chinese read by an English voice is letters and
  // silence), and Web Chat's own words ("Bot said", the send box, Send, Retry) follow its locale.
  // The bot's language is told by its text: Chinese characters against Latin letters, so a
  // bank's name in the other script does not tip it.
  function followLanguage(text) {
    var s = String(text || '');
    var han = (s.match(/[\u3400-\u9fff\uf900-\ufaff]/g) || []).length;
    var latin = (s.match(/[A-Za-z]/g) || []).length;
    if (!han && !latin) return;
    var chinese = han * 3 >= latin;
    document.documentElement.lang = chinese ? 'zh-Hans' : 'en';
    locale = chinese ? 'zh-CN' : 'en-US';
    if (renderedLocale !== null) render();
    showLength();
  }

  // The longest message the bot takes (a complaint's limit, told in the intro). Near it a
  // counter under the chat says how much is left; over it Send and Enter send nothing and say
  // why, and the text stays in the box for the customer to shorten. Nothing is cut (a maximum
  // length on the box cut a long paste silently) or sent only for the bot to refuse it.
  var maxLength = Number(root.getAttribute('data-max-length')) || 0;
  var lengthNote = document.getElementById('webchat-length');
  var COUNT_FROM = 0.9;
  // The length of a text just refused, shown until the customer changes it (0: none).
  var notSentLength = 0;
  var sendBoxText = '';

  /** One of the counter's texts (index.html has them from the locales) in the chat's language. */
  function lengthText(name, vars) {
    var lang = /^zh/i.test(locale) ? 'zh' : 'en';
    var template = (lengthNote && lengthNote.getAttribute('data-' + name + '-' + lang)) || '';
    return template.replace(/\{\{(\w+)\}\}/g, function (_, v) {
      return String(vars[v]);
    });
  }
  function showLength() {
    if (!lengthNote || !maxLength) return;
    // Counted as the bot counts: trimmed, in UTF-16 units.
    var length = sendBoxText.trim().length;
    var text = '';
    if (notSentLength) text = lengthText('not-sent', { length: notSentLength, max: maxLength });
    else if (length > maxLength) text = lengthText('over', { over: length - maxLength, max: maxLength });
    else if (length >= maxLength * COUNT_FROM) text = lengthText('left', { left: maxLength - length, max: maxLength });
    lengthNote.hidden = !text;
    lengthNote.classList.toggle('chat__length--over', length > maxLength);
    if (lengthNote.textContent !== text) lengthNote.textContent = text;
  }
  // Web Chat keeps the box's text in its store: every change (typing, a paste, the box emptied
  // after a send) passes here, and so does every submit (Enter, Send), before Web Chat acts.
  var webChatStore = window.WebChat.createStore({}, function (api) {
    return function (next) {
      return function (action) {
        if (action.type === 'WEB_CHAT/SUBMIT_SEND_BOX' && maxLength) {
          var length = String(api.getState().sendBoxValue || '').trim().length;
          if (length > maxLength) {
            notSentLength = length;
            showLength();
            return undefined;
          }
        }
        var result = next(action);
        if (action.type === 'WEB_CHAT/SET_SEND_BOX') {
          var text = String(api.getState().sendBoxValue || '');
          if (text !== sendBoxText) notSentLength = 0;
          sendBoxText = text;
          showLength();
        }
        return result;
      };
    };
  });

  var styleOptions = {
    accent: '#0b4f94',
    hideUploadButton: true,
    suggestedActionLayout: 'flow',
    botAvatarInitials: '',
    userAvatarInitials: '',
    rootHeight: '100%',
    sendTimeout: 30000,
    // A complaint is often several paragraphs: the send box is a text area (Enter sends,
    // Shift+Enter starts a new line) that grows with the text to about five lines, then scrolls.
    sendBoxTextWrap: true,
    sendBoxMaxHeight: 120,
  };
  render();

  // A question's buttons answer it once. Web Chat keeps them pressable until the answer's reply
  // arrives, so a double click (or Enter pressed twice on one) answered twice: the survey got
  // two ratings, the next question a stray "Refund". While a pressed button's answer is on the
  // way, further presses are stopped before Web Chat sees them (window, capture phase: first of
  // all listeners); a send that fails frees them, and so does the time Web Chat waits at most.
  window.addEventListener(
    'click',
    function (e) {
      var target = e.target;
      var button = target && target.closest ? target.closest('.webchat__suggested-action') : null;
      if (!button || !root.contains(button)) return;
      if (buttonPressedAt && Date.now() - buttonPressedAt < BUTTON_PRESS_HOLD_MS) {
        e.preventDefault();
        e.stopPropagation();
        return;
      }
      buttonPressedAt = Date.now();
    },
    true,
  );

  // Chinese is typed through an input method: Enter picks the highlighted candidate. Web Chat
  // sends on Enter whatever the IME is doing, and some browsers (macOS, Safari) let that Enter
  // through, so the half-typed pinyin went out as the message. An Enter while a composition is
  // open, or the one that closes it (Safari sends its keydown, keyCode 229, just after
  // compositionend), stays with the IME: Web Chat never sees it, and the form is not submitted.
  var composing = false;
  function isSendBox(node) {
    return !!(node && node.getAttribute && node.getAttribute('data-id') === 'webchat-sendbox-input' && root.contains(node));
  }
  window.addEventListener(
    'compositionstart',
    function (e) {
      if (isSendBox(e.target)) composing = true;
    },
    true,
  );
  window.addEventListener(
    'compositionend',
    function (e) {
      if (isSendBox(e.target))
        setTimeout(function () {
          composing = false;
        }, 0);
    },
    true,
  );
  function keepEnterForIme(e) {
    if (e.key !== 'Enter' && e.keyCode !== 13 && e.keyCode !== 229) return;
    if (!isSendBox(e.target) || !(composing || e.isComposing || e.keyCode === 229)) return;
    e.stopPropagation();
    // keypress is what submits the form; keydown's default is the IME's own (picking the word).
    if (e.type === 'keypress') e.preventDefault();
  }
  window.addEventListener('keydown', keepEnterForIme, true);
  window.addEventListener('keypress', keepEnterForIme, true);

  // Web Chat focuses the send box after Send or a button "without the keyboard": it marks the
  // box read-only, focuses it and then puts back the read-only state it found. Two of those
  // overlapping (Send or a button clicked twice quickly) make the second find the first's
  // read-only and put it back for good: the customer could no longer type until a reload. The
  // box is read-only on purpose only while Web Chat is disabled (its form says aria-disabled),
  // so a read-only left behind otherwise is taken away once Web Chat's own focus has run.
  function unlockSendBox() {
    var boxes = root.querySelectorAll('[data-id="webchat-sendbox-input"][readonly]');
    for (var i = 0; i < boxes.length; i++) {
      var form = boxes[i].closest('form');
      if (!form || form.getAttribute('aria-disabled') !== 'true') boxes[i].removeAttribute('readonly');
    }
  }
  new window.MutationObserver(function () {
    setTimeout(unlockSendBox, 100);
  }).observe(root, { attributes: true, attributeFilter: ['readonly'], subtree: true });
})();
