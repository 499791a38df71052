// Revision files run as programs in the page, as Alembic runs them: a data migration through
// op.get_bind() reads and writes rows; an endless loop and a recursion bomb stop with errors
// that name the file and line, the revisions before them stay applied, and the page keeps
// working (the terminal answers, the panels redraw).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPlayground, gotoReady, typeCommand, terminalText } from './browser.mjs';

const HEADER = (id, parent) => `"""${id}

Revision ID: ${id}
Revises: ${parent ?? ''}
Create Date: 2026-01-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '${id}'
down_revision = ${parent ? `'${parent}'` : 'None'}
branch_labels = None
depends_on = None


`;

const BACKFILL = `${HEADER('aaaa00000001', null)}def upgrade():
    op.create_table('pet', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(20)), sa.Column('shout', sa.String(20)))
    conn = op.get_bind()
    conn.execute(sa.text("INSERT INTO pet (name) VALUES (:n)"), [{"n": "rex"}, {"n": "tom"}])
    for row in conn.execute(sa.text("SELECT id, name FROM pet")):
        conn.execute(sa.text("UPDATE pet SET shout = :s WHERE id = :i"), {"s": row.name.upper() + "!", "i": row.id})
    print("backfilled", conn.execute(sa.text("SELECT count(*) FROM pet")).scalar())


def downgrade():
    op.drop_table('pet')
`;

const LOOP = `${HEADER('aaaa00000002', 'aaaa00000001')}def upgrade():
    op.add_column('pet', sa.Column('age', sa.Integer))
    n = 0
    while True:
        n += 1


def downgrade():
    pass
`;

const RECURSION = `${HEADER('aaaa00000002', 'aaaa00000001')}def deeper(n):
    return deeper(n + 1)


def upgrade():
    deeper(0)


def downgrade():
    pass
`;

test('revision files run as programs: a data migration, an endless loop and a recursion bomb', async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    await gotoReady(page, playground.server.url);
    const versions = (await page.evaluate(() => window.playground.listFiles()))
      .find((name) => name.endsWith('/env.py')).replace(/env\.py$/, 'versions');
    await page.evaluate(([dir, text]) => window.playground.writeFile(`${dir}/aaaa00000001_backfill.py`, text), [versions, BACKFILL]);
    await page.evaluate(([dir, text]) => window.playground.writeFile(`${dir}/aaaa00000002_loop.py`, text), [versions, LOOP]);

    // The data migration runs, then the endless loop stops with a located error.
    const started = Date.now();
    const result = await page.evaluate(() => window.playground.run('alembic upgrade head'));
    const elapsed = Date.now() - started;
    console.log(`endless loop stopped after ${elapsed} ms (upgrade head, both revisions)`);
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(result.stdout, /^backfilled 2\n/);
    assert.match(result.stderr, /aaaa00000002_loop\.py:21:9: upgrade\(\) runs more than 100000 statements; the playground stops here/);
    const rows = await page.evaluate(() => window.playground.query('SELECT name, shout FROM pet ORDER BY id'));
    assert.deepEqual(rows.rows, [['rex', 'REX!'], ['tom', 'TOM!']]);
    // As under Alembic on SQLite: the first revision is committed, the second's DDL before the
    // loop ran (SQLite autocommits it) and its version row was not written.
    const version = await page.evaluate(() => window.playground.query('SELECT version_num FROM alembic_version'));
    assert.deepEqual(version.rows, [['aaaa00000001']]);
    const columns = await page.evaluate(() => window.playground.query("SELECT name FROM pragma_table_info('pet')"));
    assert.deepEqual(columns.rows.map((row) => row[0]), ['id', 'name', 'shout', 'age']);

    // A recursion bomb: Python's RecursionError, with the frame, and the page keeps working.
    await page.evaluate(() => window.playground.run("sql ALTER TABLE pet DROP COLUMN age"));
    await page.evaluate(([dir, text]) => window.playground.writeFile(`${dir}/aaaa00000002_loop.py`, text), [versions, RECURSION]);
    await typeCommand(page, 'alembic upgrade head');
    const transcript = await terminalText(page);
    assert.match(transcript, /aaaa00000002_loop\.py", line 1\d, in upgrade/);
    assert.match(transcript, /RecursionError: maximum recursion depth exceeded/);
    await typeCommand(page, 'alembic current');
    await page.waitForFunction(() => document.querySelector('.terminal-scroll').innerText.includes('aaaa00000001'));
    const current = await page.evaluate(() => window.playground.run('alembic current'));
    assert.equal(current.exitCode, 0);
    assert.match(current.stdout, /^aaaa00000001\n$/);
  } finally {
    await playground.close();
  }
});

const TYPES = `import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator, CHAR


class GUID(TypeDecorator):
    impl = CHAR
    cache_ok = True

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(CHAR(32))


def table_name(base):
    return PREFIX + base


PREFIX = 'app_'
`;

const USES_MODULE = `${HEADER('bbbb00000001', null)}from myapp.types import GUID, table_name


def upgrade():
    op.create_table(table_name('user'), sa.Column('id', GUID(), primary_key=True))
    names = [name for name in sa.inspect(op.get_bind()).get_table_names() if name.startswith('app_')]
    print('tables:', names)


def downgrade():
    op.drop_table(table_name('user'))
`;

test("a revision imports the project's own modules: a TypeDecorator and a helper; a broken module is named", async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    await gotoReady(page, playground.server.url);
    const files = await page.evaluate(() => window.playground.listFiles());
    // alembic.ini's prepend_sys_path = . puts the project folder on sys.path
    const root = files.find((name) => /(^|\/)alembic\.ini$/.test(name)).replace(/alembic\.ini$/, '');
    const versions = files.find((name) => /(^|\/)env\.py$/.test(name)).replace(/env\.py$/, 'versions');
    await page.evaluate(([path, text]) => window.playground.writeFile(path, text), [`${root}myapp/__init__.py`, '']);
    await page.evaluate(([path, text]) => window.playground.writeFile(path, text), [`${root}myapp/types.py`, TYPES]);
    await page.evaluate(([dir, text]) => window.playground.writeFile(`${dir}/bbbb00000001_uses_module.py`, text), [versions, USES_MODULE]);

    const result = await page.evaluate(() => window.playground.run('alembic upgrade head'));
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, "tables: ['app_user']\n");
    const schema = await page.evaluate(() => window.playground.query("SELECT sql FROM sqlite_master WHERE name = 'app_user'"));
    assert.equal(schema.rows[0][0], 'CREATE TABLE app_user (\n\tid CHAR(32) NOT NULL, \n\tPRIMARY KEY (id)\n)');

    // A module that fails on import: Python's error, located in that module; nothing applied.
    await page.evaluate(() => window.playground.run('alembic downgrade base'));
    await page.evaluate(([path, text]) => window.playground.writeFile(path, text), [`${root}myapp/types.py`, `${TYPES}\nBROKEN = undefined_name\n`]);
    await typeCommand(page, 'alembic upgrade head');
    const transcript = await terminalText(page);
    assert.match(transcript, /myapp\/types\.py", line 19/);
    assert.match(transcript, /NameError: name 'undefined_name' is not defined/);
    const version = await page.evaluate(() => window.playground.query('SELECT count(*) FROM alembic_version'));
    assert.deepEqual(version.rows, [[0]]);
  } finally {
    await playground.close();
  }
});

const UNKNOWN_MODULE = `${HEADER('cccc00000001', null)}import nosuch_pkg.helpers


def upgrade():
    op.create_table('never', sa.Column('id', sa.Integer, primary_key=True))


def downgrade():
    op.drop_table('never')
`;

const ORM_BACKFILL = `${HEADER('cccc00000001', null)}from sqlalchemy import orm
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Pet(Base):
    __tablename__ = 'pet'
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(20))
    shout = sa.Column(sa.String(20))


def upgrade():
    op.create_table('pet', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(20)), sa.Column('shout', sa.String(20)))
    session = orm.Session(bind=op.get_bind())
    session.add_all([Pet(name='rex'), Pet(name='tom')])
    session.commit()
    for pet in session.query(Pet).order_by(Pet.name):
        pet.shout = pet.name.upper() + '!'
    session.commit()
    print('pets:', session.query(Pet).filter(Pet.shout != None).count())
    session.close()


def downgrade():
    op.drop_table('pet')
`;

test('an unknown module is a located ModuleNotFoundError; an ORM session backfills rows', async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    await gotoReady(page, playground.server.url);
    const files = await page.evaluate(() => window.playground.listFiles());
    const versions = files.find((name) => /(^|\/)env\.py$/.test(name)).replace(/env\.py$/, 'versions');
    const path = `${versions}/cccc00000001_data.py`;

    // Python's error at the import, with the file and line; nothing applied; the page answers.
    await page.evaluate(([file, text]) => window.playground.writeFile(file, text), [path, UNKNOWN_MODULE]);
    await typeCommand(page, 'alembic upgrade head');
    const transcript = await terminalText(page);
    assert.match(transcript, /cccc00000001_data\.py", line 1\d/);
    assert.match(transcript, /ModuleNotFoundError: No module named 'nosuch_pkg'/);
    const failed = await page.evaluate(() => window.playground.run('alembic upgrade head'));
    assert.equal(failed.exitCode, 1);
    const never = await page.evaluate(() => window.playground.query("SELECT count(*) FROM sqlite_master WHERE name = 'never'"));
    assert.deepEqual(never.rows, [[0]]);

    // The same revision as an ORM data migration runs in the page.
    await page.evaluate(([file, text]) => window.playground.writeFile(file, text), [path, ORM_BACKFILL]);
    const result = await page.evaluate(() => window.playground.run('alembic upgrade head'));
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'pets: 2\n');
    const pets = await page.evaluate(() => window.playground.query('SELECT name, shout FROM pet ORDER BY id'));
    assert.deepEqual(pets.rows, [['rex', 'REX!'], ['tom', 'TOM!']]);
  } finally {
    await playground.close();
  }
});

// models.py runs through the same interpreter: a helper returning columns, a mixin, a
// @declared_attr table name, a loop making tables, a naming convention. The expected text is
// what real Alembic 1.20.1 + SQLAlchemy 2.1.9 generate for these models (measured).
const MODELS_PROGRAM = `import datetime
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, declared_attr

class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention={"pk": "pk_%(table_name)s", "uq": "uq_%(table_name)s_%(column_0_name)s"})

def name_column(length):
    return mapped_column(sa.String(length), nullable=False)

class Timestamps:
    created: Mapped[datetime.datetime] = mapped_column(server_default=sa.func.now())

class Named:
    @declared_attr.directive
    def __tablename__(cls):
        return cls.__name__.lower()

class Tag(Named, Timestamps, Base):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = name_column(30)
    code: Mapped[str] = mapped_column(sa.String(5), unique=True)

for n in ("a", "b"):
    sa.Table(f"extra_{n}", Base.metadata, sa.Column("id", sa.Integer, primary_key=True))

sa.Index("ix_tag_name_code", Tag.name, Tag.code)
`;

const TAG_TABLE = `    op.create_table('tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('created', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag')),
    sa.UniqueConstraint('code', name=op.f('uq_tag_code'))
    )
    op.create_index('ix_tag_name_code', 'tag', ['name', 'code'], unique=False)
`;

test('models.py runs as a program for autogenerate; an error in it is located', async () => {
  const playground = await openPlayground();
  try {
    const { page } = playground;
    await gotoReady(page, playground.server.url);
    const files = await page.evaluate(() => window.playground.listFiles());
    const envPath = files.find((name) => /(^|\/)env\.py$/.test(name));
    const root = files.find((name) => /(^|\/)alembic\.ini$/.test(name)).replace(/alembic\.ini$/, '');
    const versions = envPath.replace(/env\.py$/, 'versions');
    for (const name of files.filter((f) => f.startsWith(`${versions}/`) && f.endsWith('.py'))) {
      await page.evaluate((path) => window.playground.removeFile(path), name);
    }
    const env = await page.evaluate((path) => window.playground.readFile(path), envPath);
    const wired = env.replace(/^target_metadata = .*$/m, 'from models import Base\ntarget_metadata = Base.metadata');
    assert.notEqual(wired, env);
    await page.evaluate(([path, text]) => window.playground.writeFile(path, text), [envPath, wired]);
    await page.evaluate(([path, text]) => window.playground.writeFile(path, text), [`${root}models.py`, MODELS_PROGRAM]);

    const result = await page.evaluate(() => window.playground.run('alembic revision --autogenerate -m "tags" --rev-id dddd00000001'));
    assert.equal(result.exitCode, 0, result.stderr);
    const generated = await page.evaluate((path) => window.playground.readFile(path), `${versions}/dddd00000001_tags.py`);
    assert.ok(generated.includes(TAG_TABLE), generated);
    assert.ok(generated.includes("sa.PrimaryKeyConstraint('id', name=op.f('pk_extra_a'))"), generated);

    // a NameError at models.py's top level: Python's traceback names the file and line
    await page.evaluate(([path, text]) => window.playground.writeFile(path, text), [`${root}models.py`, `${MODELS_PROGRAM}PREFIX = undefined_prefix\n`]);
    const broken = await page.evaluate(() => window.playground.run('alembic revision --autogenerate -m "again"'));
    assert.equal(broken.exitCode, 1);
    assert.match(broken.stderr, /models\.py", line 28, in <module>/);
    assert.match(broken.stderr, /NameError: name 'undefined_prefix' is not defined/);
    const after = await page.evaluate(() => window.playground.listFiles());
    assert.ok(!after.some((name) => name.endsWith('_again.py')));
    const echo = await page.evaluate(() => window.playground.run('alembic heads'));
    assert.equal(echo.stdout, 'dddd00000001 (head)\n');
  } finally {
    await playground.close();
  }
});
