//! Reading what the learner picks or drops (files, a folder) into [`Upload`]s, and applying the
//! import after asking when it would replace something. What the upload is and how it changes
//! the project is decided in [`crate::playground::transfer::import`].

use std::cell::RefCell;
use std::rc::Rc;

use crate::playground::transfer::import::{Import, Upload};
use crate::web::confirm;
use crate::web::store::{Action, Outcome, Store, StoreError};

/// Reads every file of `list` (with its folder path when a folder was picked), then calls
/// `done` once with all of them, in the order given.
pub fn read_files(
    list: web_sys::FileList,
    done: impl FnOnce(Result<Vec<Upload>, StoreError>) + 'static,
) {
    let files: Vec<web_sys::File> = (0..list.length())
        .filter_map(|index| list.get(index))
        .collect();
    if files.is_empty() {
        return;
    }
    let total: f64 = files.iter().map(|file| file.size()).sum();
    if total > crate::playground::transfer::zip::MAX_TOTAL_BYTES as f64 {
        done(Err(StoreError::Browser(format!(
            "the files come to {:.0} MB; the playground takes at most {} MB",
            total / 1_048_576.0,
            crate::playground::transfer::zip::MAX_TOTAL_BYTES / 1_048_576
        ))));
        return;
    }
    let count = files.len();
    let mut slots: Vec<Option<Upload>> = Vec::new();
    slots.resize_with(count, || None);
    let results = Rc::new(RefCell::new(slots));
    let failed: Rc<RefCell<Option<String>>> = Rc::default();
    let remaining = Rc::new(std::cell::Cell::new(count));
    let done = Rc::new(RefCell::new(Some(done)));
    // The readers must live until their callbacks ran.
    let readers: Rc<RefCell<Vec<gloo::file::callbacks::FileReader>>> = Rc::default();
    for (index, file) in files.into_iter().enumerate() {
        // Set when a folder was picked (not in web-sys: the property is not in the standard).
        let relative = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
            .ok()
            .and_then(|value| value.as_string())
            .unwrap_or_default();
        let name = if relative.is_empty() {
            file.name()
        } else {
            relative
        };
        let results = results.clone();
        let failed = failed.clone();
        let remaining = remaining.clone();
        let done = done.clone();
        let keep = readers.clone();
        let reader =
            gloo::file::callbacks::read_as_bytes(&gloo::file::Blob::from(file), move |read| {
                match read {
                    Ok(bytes) => results.borrow_mut()[index] = Some(Upload { name, bytes }),
                    Err(error) => {
                        failed
                            .borrow_mut()
                            .get_or_insert(format!("{name}: could not be read ({error})"));
                    }
                }
                remaining.set(remaining.get() - 1);
                if remaining.get() == 0 {
                    keep.borrow_mut().clear();
                    if let Some(done) = done.borrow_mut().take() {
                        match failed.borrow_mut().take() {
                            Some(message) => done(Err(StoreError::Browser(message))),
                            None => done(Ok(results.borrow_mut().drain(..).flatten().collect())),
                        }
                    }
                }
            });
        readers.borrow_mut().push(reader);
    }
}

/// Works out what the uploads are, asks before replacing anything, applies the import.
/// Returns the note to show, or the reason nothing changed.
pub fn import_uploads(handle: &Store, uploads: Vec<Upload>) -> Result<String, StoreError> {
    let origin = match uploads.as_slice() {
        [one] => one.name.clone(),
        many => format!("{} files", many.len()),
    };
    let import = crate::playground::transfer::import::classify(uploads)?;
    let question = match &import {
        Import::Project { .. } => Some(format!(
            "Replace the project's files and database with the project in {origin}? (Undo last command brings them back.)"
        )),
        Import::Database(_) => Some(format!(
            "Use {origin} as the project's database, replacing the current one? (Undo last command brings it back.)"
        )),
        Import::Shared(_) => Some(format!(
            "Open the shared playground saved in {origin}, replacing your files, database and terminal? (Undo last command brings them back.)"
        )),
        Import::Revisions(_) => {
            let conflicts = handle.import_conflicts(&import);
            (!conflicts.is_empty()).then(|| {
                format!(
                    "These files would be replaced: {}. Continue? (Undo last command brings them back.)",
                    conflicts.join(", ")
                )
            })
        }
    };
    let triggers = crate::playground::transfer::import::triggers(&import);
    let question = question.map(|question| {
        if triggers.is_empty() {
            return question;
        }
        let listed: Vec<String> = triggers
            .iter()
            .map(|(name, table)| format!("{name} (on {table})"))
            .collect();
        format!(
            "{question}\n\nThis database has {} trigger(s), which run SQL whenever rows of their table change: {}. Only continue if you trust where the file comes from.",
            triggers.len(),
            listed.join(", ")
        )
    });
    if let Some(question) = question {
        if !confirm(&question) {
            return Err(StoreError::Cancelled);
        }
    }
    match handle.dispatch(Action::Import(Box::new(import)))? {
        Outcome::Message(message) => Ok(message),
        _ => Ok(String::new()),
    }
}
