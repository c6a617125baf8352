package ils

import (
	"strings"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// MediaType reads a SIP2 media type (CK, in 12, 10, 30 and 18) as the
// kiosk's media. SIP2 knows no DVD: video tape (005) stands for any video,
// as servers send it for DVDs. An empty or unknown code is
// kiosk.MediaUnknown: the barcode rules may then say.
func MediaType(ck string) kiosk.Media {
	switch strings.TrimSpace(ck) {
	case "000": // other
		return kiosk.MediaOther
	case "001", // book
		"008", // book with diskette
		"009", // book with compact disc
		"010": // book with audio tape
		return kiosk.MediaBook
	case "002", // magazine
		"003": // bound journal
		return kiosk.MediaMagazine
	case "004": // audio tape
		return kiosk.MediaAudiobook
	case "005": // video tape
		return kiosk.MediaDVD
	case "006": // CD/CDROM
		return kiosk.MediaCD
	case "007": // diskette
		return kiosk.MediaOther
	}
	return kiosk.MediaUnknown
}
