//! The one way a form shows what is wrong with it: `FormErrors` holds the errors (the
//! browser's own checks or the server's answer, as `ApiError`s with their `field`),
//! `FieldError` shows the one for a field under it, and `FormErrors::form_message` the rest.

use leptos::prelude::*;

use crate::error::ApiError;

/// What is wrong with a form, at most one message per field. Cheap to copy.
#[derive(Clone, Copy)]
pub struct FormErrors {
    errors: RwSignal<Vec<ApiError>>,
    /// The fields the form shows a message under; an error for any other is the form's own.
    fields: &'static [&'static str],
}

impl FormErrors {
    /// No errors yet, for a form that shows messages under `fields`.
    pub fn new(fields: &'static [&'static str]) -> Self {
        Self {
            errors: RwSignal::new(Vec::new()),
            fields,
        }
    }

    /// Replaces the errors shown.
    pub fn set(self, errors: impl IntoIterator<Item = ApiError>) {
        self.errors.set(errors.into_iter().collect());
    }

    /// Shows nothing wrong.
    pub fn clear(self) {
        self.errors.set(Vec::new());
    }

    /// Clears the message under `field` (the reader is changing it).
    pub fn clear_field(self, field: &str) {
        self.errors
            .update(|errors| errors.retain(|e| e.field.as_deref() != Some(field)));
    }

    /// Whether nothing is wrong, without tracking.
    pub fn is_empty_untracked(self) -> bool {
        self.errors.with_untracked(Vec::is_empty)
    }

    /// Whether `field` has a message (for its `aria-invalid`). Tracked.
    pub fn has(self, field: &str) -> bool {
        self.errors
            .with(|errors| errors.iter().any(|e| e.field.as_deref() == Some(field)))
    }

    /// The message under `field`. Tracked.
    pub fn message(self, field: &str) -> Option<String> {
        self.errors.with(|errors| {
            errors
                .iter()
                .find(|e| e.field.as_deref() == Some(field))
                .map(|e| e.message.clone())
        })
    }

    /// The message about the form as a whole: an error for no field it shows. Tracked.
    pub fn form_message(self) -> Option<String> {
        let fields = self.fields;
        self.errors.with(|errors| {
            errors
                .iter()
                .find(|e| e.field.as_deref().is_none_or(|f| !fields.contains(&f)))
                .map(|e| e.message.clone())
        })
    }
}

/// The message under a form field, when `errors` has one for `field`.
#[component]
pub fn FieldError(
    errors: FormErrors,
    field: &'static str,
    /// The element's id, for the input's `aria-describedby`.
    #[prop(optional, into)]
    id: Option<String>,
    #[prop(optional)] test_id: Option<&'static str>,
) -> impl IntoView {
    view! {
        <p id=id class="field-error" data-testid=test_id>
            {move || errors.message(field)}
        </p>
    }
}
