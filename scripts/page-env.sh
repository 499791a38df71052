# Sourced by scripts/build and scripts/serve: how the page's release build is compiled.
#
# The standard library is rebuilt from source (rustup's rust-src component) at the release
# profile's opt-level "z", and a panic aborts at once instead of formatting a message no one
# can see (with panic = "abort" the page already stops on a panic; this drops the formatting
# code behind it). About 38 KB gzip off the first load (BENCHMARKS.md). `{:?}` formats nothing
# (-Zfmt-debug=none, 2.6 KB gzip): nothing the page shows may use Debug formatting (text
# meant for the learner quotes with `py_repr_str`, as Python's repr does). Both are unstable
# options of the stable toolchain, enabled for this build only by RUSTC_BOOTSTRAP; the native
# CLI and the wasm tests (which need panic messages to report failures) build without them.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD="std panic_abort"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none"
