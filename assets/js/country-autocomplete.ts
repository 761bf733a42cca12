// Country and nationality lists: GOV.UK's accessible autocomplete over the plain <select>,
// which is what is sent and what works without JavaScript. Questions that depend on a
// chosen country are shown only when they apply; without JavaScript they are always shown,
// with a hint saying when to answer, and the server ignores them when they do not apply.
import accessibleAutocomplete from 'accessible-autocomplete';

const optionByText = (select: HTMLSelectElement, text: string) =>
  Array.from(select.options).find((o) => o.value && o.text.trim().toLowerCase() === text.trim().toLowerCase());

function revealDependents(select: HTMLSelectElement): void {
  const form = select.form;
  if (!form) return;
  for (const block of form.querySelectorAll<HTMLElement>(`[data-app-revealed-by="${CSS.escape(select.name)}"]`)) {
    const equals = block.dataset['appEquals'];
    const notEquals = block.dataset['appNotEquals'];
    const applies = equals !== undefined ? select.value === equals : select.value !== '' && select.value !== notEquals;
    block.hidden = !applies;
  }
}

for (const select of document.querySelectorAll<HTMLSelectElement>('select[data-app-country-autocomplete]')) {
  const describedBy = select.getAttribute('aria-describedby');
  const errored = select.classList.contains('govuk-select--error');
  const id = select.id;
  const change = () => {
    revealDependents(select);
  };
  accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: select.value ? undefined : '',
    showAllValues: true,
    dropdownArrow: () => '',
    inputClasses: errored ? 'govuk-input--error' : undefined,
    onConfirm: (text?: string) => {
      const option = text === undefined ? undefined : optionByText(select, text);
      if (option) select.value = option.value;
      change();
    },
  });
  const input = document.getElementById(id) as HTMLInputElement | null;
  // Keep the hint and error message announced with the new input.
  if (input && describedBy)
    input.setAttribute('aria-describedby', `${describedBy} ${input.getAttribute('aria-describedby') ?? ''}`.trim());
  // What is sent is what the box says: a cleared or unknown name sends no country, never a stale one.
  input?.form?.addEventListener('submit', () => {
    select.value = optionByText(select, input.value)?.value ?? '';
  });
  input?.addEventListener('input', () => {
    if (input.value.trim() === '') {
      select.value = '';
      change();
    }
  });
  change();
}
