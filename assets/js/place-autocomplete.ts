// Suggests towns and cities as the user types (the finders' place look-up). Without
// JavaScript the plain text box works the same: the server resolves the typed name.
import accessibleAutocomplete from 'accessible-autocomplete';

interface PlaceSuggestion {
  id: number;
  name: string;
}

for (const input of document.querySelectorAll<HTMLInputElement>('input[data-place-autocomplete]')) {
  const wrapper = document.createElement('div');
  input.after(wrapper);
  const { id, name, value } = input;
  const describedBy = input.getAttribute('aria-describedby');
  const errored = input.classList.contains('govuk-input--error');
  input.remove();
  let controller: AbortController | undefined;
  accessibleAutocomplete({
    element: wrapper,
    id,
    name,
    defaultValue: value,
    minLength: 2,
    showNoOptionsFound: false,
    confirmOnBlur: false,
    // The first suggestion is highlighted, so Enter picks it.
    autoselect: true,
    // Suggestions float over the page rather than push it down.
    displayMenu: 'overlay',
    inputClasses: errored ? 'govuk-input--error' : undefined,
    source: (query: string, populate: (results: string[]) => void) => {
      controller?.abort();
      controller = new AbortController();
      fetch(`/api/v1/places?q=${encodeURIComponent(query)}`, {
        signal: controller.signal,
        headers: { accept: 'application/json' },
      })
        .then((response) => (response.ok ? response.json() : { places: [] }))
        .then((body: { places: PlaceSuggestion[] }) => populate(body.places.map((p) => p.name)))
        .catch(() => undefined);
    },
  });
  // Where the component does not highlight the first suggestion (it never does on iOS), Enter still picks it.
  wrapper.addEventListener(
    'keydown',
    (event) => {
      if (event.key !== 'Enter') return;
      const menu = wrapper.querySelector('.autocomplete__menu--visible');
      if (!menu || menu.querySelector('[aria-selected="true"]')) return;
      const first = menu.querySelector<HTMLElement>('.autocomplete__option:not(.autocomplete__option--no-results)');
      if (!first) return;
      event.preventDefault();
      event.stopPropagation();
      first.click();
    },
    { capture: true },
  );
  // Keep the hint and error message announced with the new input.
  const created = document.getElementById(id);
  if (created && describedBy)
    created.setAttribute('aria-describedby', `${describedBy} ${created.getAttribute('aria-describedby') ?? ''}`.trim());
}
