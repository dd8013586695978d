// Opens an in-memory SQLite database through go-sqlite3 and prints the library's version:
// with -tags libsqlite3 it is the system's libsqlite3, the one the program runs with.
package main

import (
	"database/sql"
	"fmt"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		panic(err)
	}
	var version string
	if err := db.QueryRow("select sqlite_version()").Scan(&version); err != nil {
		panic(err)
	}
	fmt.Println("sqlite", version)
}
