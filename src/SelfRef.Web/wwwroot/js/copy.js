// Copy buttons: <button data-copy="input-id"> copies that field's text and says so in the
// nearest role=status element. The clipboard API needs a secure context (https or localhost);
// elsewhere the field is selected and copied the old way.
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.addEventListener('click', async () => {
    const field = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector('[role=status]');
    let copied = false;
    try {
      await navigator.clipboard.writeText(field.value);
      copied = true;
    } catch {
      field.select();
      copied = document.execCommand?.('copy') ?? false;
    }
    const label = button.parentElement.querySelector(`label[for="${field.id}"]`)?.textContent ?? 'Link';
    if (status) status.textContent = copied ? `${label} copied.` : `${label} selected: press Ctrl+C (⌘C) to copy.`;
  });
}
