// Pages hand their data to client modules in a JSON data island (<script type="application/json">), never in code.
export function pageData<T>(id: string): T {
  const element = document.getElementById(id);
  if (!element?.textContent) throw new Error(`This page has no #${id} data.`);
  return JSON.parse(element.textContent) as T;
}

export function byId<E extends HTMLElement = HTMLElement>(id: string): E {
  const element = document.getElementById(id);
  if (!element) throw new Error(`This page has no #${id}.`);
  return element as E;
}
