//! The `alembic-playground` binary: the command-line shell natively, the page on wasm32.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let argv: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|argument| argument.to_string_lossy().into_owned())
        .collect();
    std::process::exit(alembic_playground::shell::native::main_with_args(argv));
}

#[cfg(target_arch = "wasm32")]
fn main() {
    alembic_playground::web::start();
}
