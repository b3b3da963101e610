// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';

  // Quantity steppers: − and + buttons around number inputs marked data-stepper.
  document.querySelectorAll('input[type="number"][data-stepper]').forEach(function (input) {
    var wrap = document.createElement('span');
    wrap.className = 'stepper';
    var minus = document.createElement('button');
    var plus = document.createElement('button');
    minus.type = plus.type = 'button';
    minus.textContent = '−';
    plus.textContent = '+';
    minus.setAttribute('aria-label', 'Giảm số lượng');
    plus.setAttribute('aria-label', 'Tăng số lượng');
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

  // Copy buttons for the bank transfer details.
  if (navigator.clipboard) {
    document.querySelectorAll('[data-copy]').forEach(function (el) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'copy';
      button.textContent = 'Sao chép';
      button.setAttribute('aria-label', 'Sao chép ' + (el.getAttribute('data-copy-label') || ''));
      button.addEventListener('click', function () {
        navigator.clipboard.writeText(el.getAttribute('data-copy')).then(function () {
          button.textContent = 'Đã chép';
          setTimeout(function () {
            button.textContent = 'Sao chép';
          }, 2000);
        });
      });
      el.insertAdjacentElement('afterend', button);
    });
  }
})();
