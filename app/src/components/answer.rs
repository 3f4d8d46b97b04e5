use leptos::prelude::*;

use super::Skeleton;
use crate::error::ApiError;

/// A server answer a page waits for: the skeleton meanwhile, then `children` of the value, or
/// the error's message (announced to assistive technology).
#[component]
pub fn Answer<T, V, F>(
    /// The resource holding the answer of a server function.
    answer: LocalResource<Result<T, ApiError>>,
    /// What to show for the value.
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
{
    view! {
        <Suspense fallback=Skeleton>
            {move || {
                answer
                    .get()
                    .map(|result| match result {
                        Ok(value) => children(value).into_any(),
                        Err(error) => {
                            view! {
                                <p class="error-box" role="alert">
                                    {error.message}
                                </p>
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}
