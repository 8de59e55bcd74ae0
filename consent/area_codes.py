"""Where a US number is, for the states' texting laws: its state and its area code's zones.

Both are read from the area code, so both are guesses (numbers move with people and are
ported between carriers); the rules apply them conservatively (README).
"""

from __future__ import annotations

import functools

import phonenumbers
from phonenumbers.timezone import UNKNOWN_TIMEZONE
from phonenumbers.tzdata import TIMEZONE_DATA

from consent.phones import parse_e164, time_zones

__all__ = ["area_code_zones", "us_state"]


# Each US area code's state (USPS code), taken once from phonenumbers' geocoder (its "en"
# data for +1, loaded whole, costs about 100 MB of memory: too much to keep in a server).
# An area code belongs to one state; overlays added later belong to the same state.
_AREA_CODES = (
    "201NJ 202DC 203CT 205AL 206WA 207ME 208ID 209CA 210TX 212NY 213CA 214TX 215PA 216OH "
    "217IL 218MN 219IN 220OH 223PA 224IL 225LA 227MD 228MS 229GA 231MI 234OH 235MO 239FL "
    "240MD 248MI 251AL 252NC 253WA 254TX 256AL 260IN 262WI 267PA 269MI 270KY 272PA 274WI "
    "276VA 279CA 281TX 283OH 301MD 302DE 303CO 304WV 305FL 307WY 308NE 309IL 310CA 312IL "
    "313MI 314MO 315NY 316KS 317IN 318LA 319IA 320MN 321FL 323CA 324FL 325TX 326OH 327AR "
    "329NY 330OH 331IL 332NY 334AL 336NC 337LA 339MA 341CA 346TX 347NY 350CA 351MA 352FL "
    "353WI 360WA 361TX 363NY 364KY 369CA 380OH 385UT 386FL 401RI 402NE 404GA 405OK 406MT "
    "407FL 408CA 409TX 410MD 412PA 413MA 414WI 415CA 417MO 419OH 423TN 424CA 425WA 430TX "
    "432TX 434VA 435UT 440OH 442CA 443MD 445PA 447IL 448FL 458OR 463IN 464IL 469TX 470GA "
    "472NC 475CT 478GA 479AR 480AZ 484PA 501AR 502KY 503OR 504LA 505NM 507MN 508MA 509WA "
    "510CA 512TX 513OH 515IA 516NY 517MI 518NY 520AZ 530CA 531NE 534WI 539OK 540VA 541OR "
    "551NJ 557MO 559CA 561FL 562CA 563IA 564WA 567OH 570PA 571VA 572OK 573MO 574IN 575NM "
    "580OK 582PA 585NY 586MI 601MS 602AZ 603NH 605SD 606KY 607NY 608WI 609NJ 610PA 612MN "
    "614OH 615TN 616MI 617MA 618IL 619CA 620KS 623AZ 626CA 628CA 629TN 630IL 631NY 636MO "
    "640NJ 641IA 645FL 646NY 650CA 651MN 656FL 657CA 659AL 660MO 661CA 662MS 667MD 669CA "
    "678GA 680NY 681WV 682TX 686VA 689FL 701ND 702NV 703VA 704NC 706GA 707CA 708IL 712IA "
    "713TX 714CA 715WI 716NY 717PA 718NY 719CO 720CO 724PA 725NV 726TX 727FL 728FL 730IL "
    "731TN 732NJ 734MI 737TX 738CA 740OH 743NC 747CA 748CO 754FL 757VA 760CA 762GA 763MN "
    "765IN 769MS 770GA 771DC 772FL 773IL 774MA 775NV 779IL 781MA 785KS 786FL 801UT 802VT "
    "803SC 804VA 805CA 806TX 808HI 810MI 812IN 813FL 814PA 815IL 816MO 817TX 818CA 820CA "
    "821SC 826VA 828NC 830TX 831CA 832TX 835PA 838NY 839SC 840CA 843SC 845NY 847IL 848NJ "
    "850FL 854SC 856NJ 857MA 858CA 859KY 860CT 862NJ 863FL 864SC 865TN 870AR 872IL 878PA "
    "901TN 903TX 904FL 906MI 907AK 908NJ 909CA 910NC 912GA 913KS 914NY 915TX 916CA 917NY "
    "918OK 919NC 920WI 925CA 928AZ 929NY 930IN 931TN 934NY 936TX 937OH 938AL 940TX 941FL "
    "943GA 945TX 947MI 948VA 949CA 951CA 952MN 954FL 956TX 959CT 970CO 971OR 972TX 973NJ "
    "975MO 978MA 979TX 980NC 983CO 984NC 985LA 986ID 989MI"
)
_STATE_OF = {pair[:3]: pair[3:] for pair in _AREA_CODES.split()}


def us_state(e164: str) -> str | None:
    """The USPS code of the US state a number's area code belongs to (None: not a US
    number, or an area code that is not a state's). A guess: numbers move with people."""
    number = parse_e164(e164)
    if number is None or phonenumbers.region_code_for_number(number) != "US":
        return None
    return _STATE_OF.get(phonenumbers.national_significant_number(number)[:3])


def area_code_zones(e164: str) -> tuple[str, ...]:
    """Every time zone of the number's area code (+1 only), with the number's own ones.

    An area code like 850 (Florida) spans Eastern and Central time; a number ported or
    carried out of its exchange may be in either, so a state's window is checked in all.
    """
    own = set(time_zones(e164))
    number = parse_e164(e164)
    if number is None or number.country_code != 1:
        return tuple(sorted(own))
    own.update(_area_code_zones("1" + phonenumbers.national_significant_number(number)[:3]))
    return tuple(sorted(own))


@functools.lru_cache(maxsize=1024)
def _area_code_zones(prefix: str) -> frozenset[str]:
    """Every zone of the prefix data under one area code (a broadcast asks once per code)."""
    return frozenset(
        zone
        for key, zones in TIMEZONE_DATA.items()
        if key.startswith(prefix)
        for zone in zones
        if zone != UNKNOWN_TIMEZONE
    )
