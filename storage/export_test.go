package storage

import (
	"os"
)

// PageInfo says what one page of a healthy file holds, for tests that damage
// a chosen page.
type PageInfo struct {
	ID     uint64
	Bucket string    // the top-level bucket whose tree holds the page; "" for the root
	Branch bool      // a branch page, else a leaf
	Root   bool      // the bucket's root page
	States []TxState // journal leaf: the state of each entry
}

// PageMap lists the pages in use of a healthy file, from the newest meta
// page, and returns its page size and which meta page is the newest.
func PageMap(path string) (pageSize int, newest uint64, pages []PageInfo, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, 0, nil, err
	}
	sc := scanFile(f, fi.Size(), false)
	if sc.used == nil {
		return 0, 0, nil, os.ErrInvalid
	}
	pf := &pageFile{r: f, size: fi.Size(), pageSize: sc.pageSize}
	var walk func(bucket string, id uint64, root bool)
	walk = func(bucket string, id uint64, root bool) {
		p, err := pf.page(id)
		if err != nil {
			return
		}
		els, _ := p.elements()
		info := PageInfo{ID: id, Bucket: bucket, Branch: p.flags() == branchFlag, Root: root}
		for _, e := range els {
			switch {
			case info.Branch:
				walk(bucket, e.child, false)
			case e.bucket && bucket == "":
				if r, _, err := inBucket(e.value); err == nil && r != 0 {
					walk(string(e.key), r, true)
				}
			case bucket == string(bucketJournal):
				st, _, _, _ := header(e.value)
				info.States = append(info.States, st)
			}
		}
		pages = append(pages, info)
	}
	walk("", sc.used.root, true)
	return sc.pageSize, sc.used.page, pages, nil
}
