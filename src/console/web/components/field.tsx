import type { ComponentChildren } from 'preact';

/** Form fields of the NL Design System (Utrecht form-field): a label, an optional hint and the API's sentences. */

export interface FieldProps {
  id: string;
  label: string;
  hint?: string;
  errors?: readonly string[];
  children: (describedBy: string | undefined, invalid: boolean) => ComponentChildren;
}

export function Field({ id, label, hint, errors = [], children }: FieldProps) {
  const invalid = errors.length > 0;
  const described = [hint ? `${id}-hint` : '', invalid ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`utrecht-form-field utrecht-form-field--text utrecht-form-field--distanced${invalid ? ' utrecht-form-field--invalid' : ''}`}>
      <div class="utrecht-form-field__label">
        <label class="utrecht-form-label" for={id}>
          {label}
        </label>
      </div>
      {hint && (
        <div class="utrecht-form-field__description utrecht-form-field-description" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {invalid && <FieldErrors id={`${id}-error`} errors={errors} />}
      <div class="utrecht-form-field__input">{children(described, invalid)}</div>
    </div>
  );
}

export function FieldErrors({ id, errors }: { id: string; errors: readonly string[] }) {
  return (
    <div class="utrecht-form-field__error-message utrecht-form-field-error-message" id={id} data-field-error>
      {errors.map((error) => (
        <p key={error}>{error}</p>
      ))}
    </div>
  );
}

export function textboxClass(invalid: boolean): string {
  return `utrecht-textbox utrecht-textbox--html-input${invalid ? ' utrecht-textbox--invalid' : ''}`;
}

export function selectClass(invalid: boolean): string {
  return `utrecht-select utrecht-select--html-select${invalid ? ' utrecht-select--invalid' : ''}`;
}

/** Messages for the whole form or page (role=alert: read out when they appear). */
export function Alert({ type, children, id }: { type: 'error' | 'warning' | 'info' | 'ok'; children: ComponentChildren; id?: string }) {
  return (
    <div class={`utrecht-alert utrecht-alert--${type}`} role={type === 'error' || type === 'warning' ? 'alert' : 'status'} id={id}>
      <div class="utrecht-alert__content">
        <div class="utrecht-alert__message">{children}</div>
      </div>
    </div>
  );
}

export function ErrorSummary({ errors }: { errors: readonly string[] }) {
  if (errors.length === 0) return null;
  return (
    <Alert type="error">
      {errors.map((error) => (
        <p class="utrecht-paragraph" key={error}>
          {error}
        </p>
      ))}
    </Alert>
  );
}

const BUTTON_KINDS = { primary: 'utrecht-button--primary-action', secondary: 'utrecht-button--secondary-action', subtle: 'utrecht-button--subtle' };

export function Button(props: { children: ComponentChildren; kind?: 'primary' | 'secondary' | 'subtle'; type?: 'button' | 'submit'; onClick?: () => void; disabled?: boolean; busy?: boolean; name?: string }) {
  const { kind = 'secondary', type = 'button', busy = false } = props;
  return (
    <button
      type={type}
      name={props.name}
      class={`utrecht-button ${BUTTON_KINDS[kind]}${busy ? ' utrecht-button--busy' : ''}`}
      onClick={props.onClick}
      disabled={props.disabled}
      aria-busy={busy || undefined}
    >
      {props.children}
    </button>
  );
}
