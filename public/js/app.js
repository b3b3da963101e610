// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';

  // Quantity steppers: − and + buttons around number inputs marked data-stepper (labels from the
  // page, in its language: data-decrease, data-increase).
  document.querySelectorAll('input[type="number"][data-stepper]').forEach(function (input) {
    var wrap = document.createElement('span');
    wrap.className = 'stepper';
    var minus = document.createElement('button');
    var plus = document.createElement('button');
    minus.type = plus.type = 'button';
    minus.textContent = '−';
    plus.textContent = '+';
    minus.setAttribute('aria-label', input.getAttribute('data-decrease') || '−');
    plus.setAttribute('aria-label', input.getAttribute('data-increase') || '+');
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(minus);
    wrap.appendChild(input);
    wrap.appendChild(plus);
    function step(delta) {
      var min = input.min === '' ? 0 : Number(input.min);
      var max = input.max === '' ? Infinity : Number(input.max);
      var next = Math.min(max, Math.max(min, (Number(input.value) || 0) + delta));
      input.value = String(next);
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }
    minus.addEventListener('click', function () {
      step(-1);
    });
    plus.addEventListener('click', function () {
      step(1);
    });
  });

  // Copy buttons for the bank transfer details (texts from the page, in its language: data-copy-text, data-copied-text).
  if (navigator.clipboard) {
    document.querySelectorAll('[data-copy]').forEach(function (el) {
      var texts = el.closest('[data-copy-text]');
      if (!texts) return;
      var copy = texts.getAttribute('data-copy-text');
      var copied = texts.getAttribute('data-copied-text');
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'copy';
      button.textContent = copy;
      button.setAttribute('aria-label', copy + ' ' + (el.getAttribute('data-copy-label') || ''));
      button.addEventListener('click', function () {
        navigator.clipboard.writeText(el.getAttribute('data-copy')).then(function () {
          button.textContent = copied;
          setTimeout(function () {
            button.textContent = copy;
          }, 2000);
        });
      });
      el.insertAdjacentElement('afterend', button);
    });
  }
})();
