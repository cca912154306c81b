package io.blueshift.cli;

import io.blueshift.sql.SqlStatement;

/** What the CLI prints for a statement: rows for queries, CREATE TABLE AS, COPY, INSERT, UPDATE and DELETE; nothing for views, DROP and SET. */
final class StatementKinds {
    private StatementKinds() {}

    static boolean silent(String sql) {
        SqlStatement st = parse(sql);
        return st instanceof SqlStatement.CreateView || st instanceof SqlStatement.Drop || st instanceof SqlStatement.SetOption;
    }

    /** CREATE VIEW, CREATE TABLE AS, DROP, INSERT, UPDATE, DELETE: statements that change what later queries see. */
    static boolean ddl(String sql) {
        SqlStatement st = parse(sql);
        return st instanceof SqlStatement.CreateView || st instanceof SqlStatement.CreateTable || st instanceof SqlStatement.Drop
                || st instanceof SqlStatement.Insert || st instanceof SqlStatement.Update || st instanceof SqlStatement.Delete;
    }

    static boolean query(String sql) {
        return parse(sql) instanceof SqlStatement.Query;
    }

    private static SqlStatement parse(String sql) {
        try {
            return SqlStatement.parse(sql);
        } catch (RuntimeException e) {
            return null; // running it reports the error
        }
    }
}
