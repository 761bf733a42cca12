import type { Page } from 'playwright-core';

/**
 * Chooses a country from a country list as a person would: typing into the accessible
 * autocomplete where JavaScript has enhanced the list, picking from the plain list otherwise.
 */
export async function chooseCountry(page: Page, label: string, country: string): Promise<void> {
  // A plain <select> is a combobox too: the autocomplete is the one that is an <input>.
  const box = page.locator('input').and(page.getByRole('combobox', { name: label, exact: true }));
  if (await box.isVisible()) {
    await box.fill(country.slice(0, 5));
    await page.getByRole('option', { name: country, exact: true }).click();
  } else {
    await page.getByLabel(label, { exact: true }).selectOption({ label: country });
  }
}
